from django.core.management.base import BaseCommand

from privacy.services.exports import exports_expire
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
            counts = retention_counts()
            verb = "would remove"
        else:
            files = exports_expire()
            self.stdout.write(f"Export files deleted: {files}")
            counts = retention_purge()
            verb = "removed"
        for name, count in counts.items():
            self.stdout.write(f"{name} (kept {days[name]} days): {verb} {count}")
