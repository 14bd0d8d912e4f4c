"""Writes to her learning record: each only ever touches her own rows."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from circles.models import ActionLog
from record.models import CpdEntry, RecordSettings, ReflectiveAccount


def _own_log(member, log: ActionLog | None) -> ActionLog | None:
    if log is not None and log.author_id != member.pk:
        raise PermissionDenied("You can only draw on your own logs.")
    return log


@transaction.atomic
def account_save(
    *, member, account: ReflectiveAccount | None = None, log: ActionLog | None = None, **fields
) -> ReflectiveAccount:
    """Create her reflective account (from ``log``, when given) or save her edits."""
    if account is None:
        account = ReflectiveAccount(member=member, log=_own_log(member, log))
    elif account.member_id != member.pk:
        raise PermissionDenied("That account is not yours.")
    for name, value in fields.items():
        setattr(account, name, value)
    account.full_clean()
    account.save()
    return account


@transaction.atomic
def own_row_delete(*, member, row: ReflectiveAccount | CpdEntry) -> None:
    """Delete one of her reflective accounts or CPD entries: nobody else's."""
    if row.member_id != member.pk:
        raise PermissionDenied(f"That {row._meta.verbose_name} is not yours.")
    row.delete()


@transaction.atomic
def cpd_entry_add(
    *,
    member,
    activity: str,
    date: dt.date,
    hours: Decimal,
    participatory: bool,
    log: ActionLog | None = None,
) -> CpdEntry:
    entry = CpdEntry(
        member=member,
        activity=activity,
        date=date,
        hours=hours,
        participatory=participatory,
        log=_own_log(member, log),
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def record_settings_save(
    *,
    member,
    hours_target: Decimal,
    participatory_target: Decimal,
    revalidation_due: dt.date | None,
) -> RecordSettings:
    settings, _ = RecordSettings.objects.get_or_create(member=member)
    settings.hours_target = hours_target
    settings.participatory_target = participatory_target
    settings.revalidation_due = revalidation_due
    settings.full_clean()
    settings.save()
    return settings


@transaction.atomic
def record_revalidation_save(*, member, revalidation_due: dt.date) -> RecordSettings:
    """Her next revalidation date, her targets kept as they are (the defaults until she
    sets her own)."""
    settings, _ = RecordSettings.objects.get_or_create(member=member)
    settings.revalidation_due = revalidation_due
    settings.full_clean()
    settings.save()
    return settings
