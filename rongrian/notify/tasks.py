from django_tasks import task

from . import services


@task()
def deliver(notification_ids: list[int]) -> dict[str, int]:
    """Deliver queued notifications (see services.deliver)."""
    return services.deliver(notification_ids)
