"""Full-text indexes over Case.search_text: a GIN index on PostgreSQL, an FTS5 table kept
in step by triggers on SQLite. Existing cases get their search text filled in."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE cases_case_fts USING fts5("
    "search_text, content='cases_case', content_rowid='id', "
    "tokenize=\"unicode61 categories 'L* N* Co M*'\")",
    "CREATE TRIGGER cases_case_fts_ai AFTER INSERT ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER cases_case_fts_ad AFTER DELETE ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(cases_case_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER cases_case_fts_au AFTER UPDATE OF search_text ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(cases_case_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO cases_case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS cases_case_fts_au",
    "DROP TRIGGER IF EXISTS cases_case_fts_ad",
    "DROP TRIGGER IF EXISTS cases_case_fts_ai",
    "DROP TABLE IF EXISTS cases_case_fts",
]
POSTGRES = [
    "CREATE INDEX IF NOT EXISTS case_search_gin ON cases_case "
    "USING gin (to_tsvector('simple', search_text))",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS case_search_gin"]


def fill(apps, schema_editor):
    from rongrian.cases.search import index_text

    Case = apps.get_model("cases", "Case")
    batch = []
    for case in (
        Case.objects.select_related("category")
        .only("pk", "description", "address", "category__name")
        .iterator(chunk_size=2000)
    ):
        case.search_text = index_text(
            case.description, case.address, case.category.name if case.category_id else ""
        )
        batch.append(case)
        if len(batch) >= 2000:
            Case.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        Case.objects.bulk_update(batch, ["search_text"])


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRES}.get(vendor, []):
        schema_editor.execute(sql)
    if vendor == "sqlite":
        schema_editor.execute("INSERT INTO cases_case_fts(cases_case_fts) VALUES ('rebuild')")
    fill(apps, schema_editor)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_search_text")]
    operations = [migrations.RunPython(create, drop)]
