# The access log is append-only in the database too, not only in the ORM (models.ImmutableQuerySet): on PostgreSQL
# a trigger refuses every UPDATE and DELETE of a row of audit_accesslog, whatever sends it (raw SQL, a shell, a bug).
# TRUNCATE is left alone: `flush`, `tsunagu demo --flush` and a restore empty the whole database with it.
# SQLite gets nothing: it has no TRUNCATE, its `flush` is DELETE, which such a trigger would refuse.
# A later migration that must change rows of this table drops the trigger and makes it again, in the open.

from django.db import migrations

FORWARD = [
    """CREATE OR REPLACE FUNCTION audit_accesslog_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING
            ERRCODE = 'restrict_violation',
            MESSAGE = '閲覧記録（audit_accesslog）は追記のみです: ' || TG_OP || ' はできません。',
            HINT = '閲覧記録は変更も削除もできません。データベース全体を消すときは TRUNCATE（manage.py flush）を使います。';
    END
    $$""",
    "DROP TRIGGER IF EXISTS audit_accesslog_append_only ON audit_accesslog",
    """CREATE TRIGGER audit_accesslog_append_only BEFORE UPDATE OR DELETE ON audit_accesslog
    FOR EACH ROW EXECUTE FUNCTION audit_accesslog_append_only()""",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_accesslog_append_only ON audit_accesslog",
    "DROP FUNCTION IF EXISTS audit_accesslog_append_only()",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql, None)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_disclose_action'),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
