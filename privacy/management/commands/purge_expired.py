from django.core.management.base import BaseCommand

from privacy.services.exports import exports_expire, exports_past_date
from privacy.services.retention import SCHEDULES, retention_counts, retention_purge


class Command(BaseCommand):
    help = "Delete expired export files and what each retention schedule has kept long enough."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what each schedule would remove."
        )

    def handle(self, *args, dry_run=False, **options):
        days = {s.name: s.days for s in SCHEDULES}
        if dry_run:
            files, counts = exports_past_date().count(), retention_counts()
            verb = "would remove"
        else:
            files, counts = exports_expire(), retention_purge()
            verb = "removed"
        self.stdout.write(f"Export files past their link's date: {verb} {files}")
        for name, count in counts.items():
            self.stdout.write(f"{name} (kept {days[name]} days): {verb} {count}")
