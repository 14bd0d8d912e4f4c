"""Send the weekly digest from the command line, with a progress bar.

    manage.py send_weekly_digest [--week 2026-11-23 | --week 2026-W48] [--dry-run]

Runs the same services as beat and the admin, batch by batch in this process (so it works
without a worker). ``--dry-run`` counts who would get a digest and sends nothing.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from notifications.forms import WeekField
from notifications.selectors import digest_contents, week_start
from notifications.services.digests import (
    BATCH_SIZE,
    digest_member_batches,
    digest_run_begin,
    digest_run_refresh,
    digest_run_start,
    digest_send_batch,
    error_describe,
)


class Command(BaseCommand):
    help = "Send the weekly digest (one per member per week; a re-run sends nothing twice)."

    def add_arguments(self, parser):
        parser.add_argument("--week", help="A Monday (2026-11-23) or an ISO week (2026-W48).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Count who would get one; send nothing."
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def _progress_bar(self, *, total: int) -> tqdm:
        """A bar on the command's stderr (none when it is not a terminal). tqdm draws its own
        carriage returns and line ending, in plain text: the stream adds neither."""
        self.stderr.ending = ""
        self.stderr.style_func = None
        return tqdm(total=total, unit="member", disable=None, file=self.stderr)

    def handle(self, *args, week=None, dry_run=False, batch_size=BATCH_SIZE, **options):
        if week:
            try:
                week = WeekField().clean(week)
            except ValidationError as exc:
                raise CommandError(f"--week {week}: {' '.join(exc.messages)}") from None
        else:
            week = week_start()
        batches = list(digest_member_batches(week=week, batch_size=batch_size))
        members = sum(len(b) for b in batches)
        self.stdout.write(f"Digest for the week of {week:%d %B %Y}: {members} member(s) to do.")
        bar = self._progress_bar(total=members)
        if dry_run:
            would, nothing = 0, 0
            for batch in batches:
                contents = digest_contents(member_ids=batch, week=week)
                would += sum(1 for c in contents.values() if not c.is_empty)
                nothing += len(batch) - sum(1 for c in contents.values() if not c.is_empty)
                bar.update(len(batch))
            bar.close()
            self.stdout.write(
                f"Dry run: {would} would get a digest, {nothing} have nothing to read. "
                "Nothing was sent."
            )
            return
        run = digest_run_start(week=week, enqueue=False)
        digest_run_begin(run_id=run.pk)
        totals = {"sent": 0, "skipped": 0, "failed": 0}
        for batch in batches:
            try:
                result = digest_send_batch(week=week, member_ids=batch, run_id=run.pk)
            except Exception as exc:  # its claims are released (failed) and the run updated
                bar.close()
                run = digest_run_refresh(run_id=run.pk)
                raise CommandError(
                    f"{error_describe(exc)}. Sent {totals['sent']} before it; the batch's "
                    f"digests are marked failed (run {run.pk}: {run.get_state_display().lower()})."
                ) from exc
            for key in totals:
                totals[key] += getattr(result, key)
            bar.update(len(batch))
            bar.set_postfix(totals)
        bar.close()
        run = digest_run_refresh(run_id=run.pk)
        self.stdout.write(
            self.style.SUCCESS(
                f"Sent {totals['sent']}, skipped {totals['skipped']}, failed {totals['failed']} "
                f"(run {run.pk}: {run.get_state_display().lower()})."
            )
        )
