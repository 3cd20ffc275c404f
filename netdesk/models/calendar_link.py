"""Which calendar event stands for which follow-up, per connected calendar account.

One row per (account, follow-up UID): the provider's event id (a CalDAV href, a
Graph event id, a Google event id), its etag, and the follow-up SEQUENCE that the
calendar last accepted. The UID, not a foreign key, ties the row to its follow-up,
so the row outlives a deleted follow-up until the sync engine has removed its event.
"""

from peewee import AutoField, CharField, DateTimeField, IntegerField

from netdesk.models.db import BaseModel, utcnow

LINK_STATES = ("synced", "deleted-by-user")


class CalendarLink(BaseModel):
    id = AutoField()
    account = CharField()  # "caldav", "microsoft", "google"
    uid = CharField()  # FollowUp.uid
    calendar_id = CharField(default="")
    event_id = CharField(default="")
    etag = CharField(default="")
    synced_sequence = IntegerField(null=True)
    state = CharField(default="synced")  # one of LINK_STATES
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "calendar_link"
        indexes = ((("account", "uid"), True),)
