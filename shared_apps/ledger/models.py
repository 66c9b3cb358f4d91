"""The duty record's public read model (履职档案): one row per duty a deputy performed, in whichever congress it
was performed, with a link to its evidence there.

Rows are written by the congress whose work they record, through `services.record` (the registration point every
module uses), in the same transaction as the change they record; each module can rebuild its own rows from its
schema (`services.replace`, from its `rebuild_read_models`). The yearly ledger (履职账单) of a deputy is a read of
these rows across every congress where the deputy sits or was invited — never a visit to a congress's schema.
"""

from django.db import models


class DutyRecord(models.Model):
    deputy = models.ForeignKey("registry.Deputy", on_delete=models.CASCADE, related_name="duty_records")
    # The congress whose work this was (the organiser of an activity, which may be above the deputy's own).
    congress = models.ForeignKey("tenants.Congress", on_delete=models.CASCADE, related_name="+")
    # The module that wrote the row (its rebuild replaces exactly these) and its own reference to the evidence,
    # e.g. "activity:12" or "suggestion:7:lead": one row per deputy, congress and reference.
    source = models.CharField(max_length=40)
    source_ref = models.CharField(max_length=80)
    kind = models.CharField(max_length=40)  # a key of kinds.py: suggestion_led, activity_attended, …
    # What the record says more precisely, in the congress's words (the activity's kind: 集中视察, 专题调研 …).
    category = models.CharField(max_length=60, blank=True)
    title = models.CharField(max_length=200)
    occurred_on = models.DateField()
    year = models.PositiveSmallIntegerField()
    # The evidence: an absolute address on the congress's host (the activity, the suggestion, the message).
    url = models.CharField(max_length=500, blank=True)
    # Whether the public may see it (the congress's choice per kind and per record); the deputy and the offices
    # of the congresses where the deputy sits see every row.
    public = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["deputy", "congress", "source_ref"], name="ledger_record_once"),
        ]
        indexes = [
            models.Index(fields=["deputy", "year", "occurred_on"], name="ledger_by_deputy_year"),
            models.Index(fields=["congress", "year", "kind"], name="ledger_by_congress_year"),
            models.Index(fields=["congress", "source"], name="ledger_by_source"),
        ]

    def __str__(self) -> str:
        return f"{self.deputy_id} {self.kind} {self.occurred_on}"
