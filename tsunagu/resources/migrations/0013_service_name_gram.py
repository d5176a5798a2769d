"""PostgreSQL: each entry's name by its characters and character pairs, in name order — the names' counterpart of
people.search_index. `resources_service_name_gram` holds one row per piece of an entry's normalised name (the pieces
of `resources_grams`) with the name itself, under a key (piece, name, id): the entries whose name holds a piece come
off it in the list's order, so the first rank of a ranked search (the name holds the word, search.first_ranked) reads
a page of its rows and stops, however many entries share the word (「食」 on a 政令市: 3,360). A trigger on
`resources_service` keeps it, whatever writes the entry (a form, an import's publication, a bulk load)."""

from django.db import migrations

FORWARD = [
    """CREATE TABLE IF NOT EXISTS resources_service_name_gram (
         gram text NOT NULL, name text NOT NULL, service_id varchar(250) NOT NULL,
         PRIMARY KEY (gram, name, service_id))""",
    "CREATE INDEX IF NOT EXISTS resources_service_name_gram_service ON resources_service_name_gram (service_id)",
    r"""CREATE OR REPLACE FUNCTION resources_service_name_gram_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM resources_service_name_gram WHERE service_id = OLD.id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO resources_service_name_gram (gram, name, service_id)
    SELECT DISTINCT piece, NEW.name, NEW.id FROM unnest(resources_grams(NEW.search_name)) AS piece;
  END IF;
  RETURN NULL;
END
$$""",
    "DROP TRIGGER IF EXISTS resources_service_name_gram_sync ON resources_service",
    """CREATE TRIGGER resources_service_name_gram_sync AFTER INSERT OR DELETE
       ON resources_service FOR EACH ROW EXECUTE FUNCTION resources_service_name_gram_sync()""",
    # An import's publication sets every column of the rows it updates: only a changed name is written again.
    "DROP TRIGGER IF EXISTS resources_service_name_gram_renamed ON resources_service",
    """CREATE TRIGGER resources_service_name_gram_renamed AFTER UPDATE OF id, name, search_name ON resources_service
       FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.name IS DISTINCT FROM NEW.name
                          OR OLD.search_name IS DISTINCT FROM NEW.search_name)
       EXECUTE FUNCTION resources_service_name_gram_sync()""",
    "DELETE FROM resources_service_name_gram",
    """INSERT INTO resources_service_name_gram (gram, name, service_id)
       SELECT DISTINCT piece, s.name, s.id FROM resources_service s, unnest(resources_grams(s.search_name)) AS piece""",
    "ANALYZE resources_service_name_gram",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS resources_service_name_gram_renamed ON resources_service",
    "DROP TRIGGER IF EXISTS resources_service_name_gram_sync ON resources_service",
    "DROP FUNCTION IF EXISTS resources_service_name_gram_sync()",
    "DROP TABLE IF EXISTS resources_service_name_gram",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("resources", "0012_service_name_grams"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
