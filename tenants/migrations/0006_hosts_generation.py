"""A counter raised with every change to a congress or a domain, at commit (a deferred constraint trigger, so
concurrent provisioning is not serialised on the row until the very end): web processes compare it instead of
looking each host up again."""

from django.db import migrations, models

BUMP = """
CREATE FUNCTION public.tenants_hosts_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- `migrate` stamping a congress (migrated_fingerprint) changes nothing a web process remembers.
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'tenants_congress'
       AND to_jsonb(OLD) - 'migrated_fingerprint' - 'updated_at' = to_jsonb(NEW) - 'migrated_fingerprint' - 'updated_at'
    THEN
        RETURN NULL;
    END IF;
    INSERT INTO public.tenants_hostsgeneration (id, value) VALUES (1, 1)
    ON CONFLICT (id) DO UPDATE SET value = public.tenants_hostsgeneration.value + 1;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER hosts_generation AFTER INSERT OR UPDATE OR DELETE ON tenants_congress
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.tenants_hosts_generation_bump();
CREATE CONSTRAINT TRIGGER hosts_generation AFTER INSERT OR UPDATE OR DELETE ON tenants_domain
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.tenants_hosts_generation_bump();
INSERT INTO tenants_hostsgeneration (id, value) VALUES (1, 1);
"""

UNBUMP = """
DROP TRIGGER hosts_generation ON tenants_domain;
DROP TRIGGER hosts_generation ON tenants_congress;
DROP FUNCTION public.tenants_hosts_generation_bump();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0005_congress_migrated_fingerprint"),
    ]

    operations = [
        migrations.CreateModel(
            name="HostsGeneration",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunSQL(BUMP, UNBUMP),
    ]
