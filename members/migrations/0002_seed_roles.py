from django.db import migrations

ROLES = [
    (
        "ward-manager-senior-nurse",
        "Ward manager / senior nurse",
        "health",
        "Runs a hospital ward day to day: staffing, safety, flow and the team's development.",
    ),
    (
        "matron",
        "Matron",
        "health",
        "Leads nursing standards across several wards or a service line.",
    ),
    (
        "clinical-educator",
        "Clinical educator",
        "health",
        "Develops the skills of clinical staff on the wards and in practice.",
    ),
    (
        "charge-nurse",
        "Charge nurse / shift leader",
        "health",
        "Leads a ward shift: allocation, escalation, handover.",
    ),
    (
        "service-manager-health",
        "Service manager (health)",
        "health",
        "Runs an outpatient, community or diagnostic service.",
    ),
    (
        "city-official-service-delivery",
        "City official — service delivery",
        "local_government",
        "Responsible for how a public service is delivered to residents.",
    ),
    (
        "deputy-head-of-service",
        "Deputy head of service",
        "local_government",
        "Second in charge of a council service: budgets, people, performance.",
    ),
    (
        "team-leader-public-service",
        "Team leader (public service)",
        "local_government",
        "Leads a front-line team: housing, waste, libraries, social care, customer contact.",
    ),
    (
        "programme-manager-public-sector",
        "Programme manager (public sector)",
        "local_government",
        "Leads change programmes that cross departments or agencies.",
    ),
    (
        "operations-manager",
        "Operations manager",
        "other",
        "Runs day-to-day operations in another kind of organisation.",
    ),
]


def seed(apps, schema_editor):
    Role = apps.get_model("members", "Role")
    for slug, name, sector, description in ROLES:
        Role.objects.update_or_create(
            slug=slug, defaults={"name": name, "sector": sector, "description": description}
        )


def unseed(apps, schema_editor):
    apps.get_model("members", "Role").objects.filter(slug__in=[r[0] for r in ROLES]).delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
