"""Her learning record (``/me/record/``): the page, her CPD entries and target, her
reflective accounts and their exports. Everything is hers alone: another member's
account or entry answers 404, for staff too (they use the admin)."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from circles.once import once_made, resubmission_lands_on_first
from facilitation.charts import BarChart, Series
from members.local_time import member_today
from record import services
from record.accounts import DOCX_TYPE, account_docx, account_findings, account_prefill
from record.forms import AccountForm, CpdEntryForm, RangeForm, RevalidationForm, TargetForm
from record.models import NMC_PROMPTS, CpdEntry, ReflectiveAccount
from record.selectors import (
    activity_by_month,
    chain_through,
    cpd_rows,
    default_range,
    own_logs,
    record_for,
    settings_of,
)
from school.spreadsheets import csv_cell


def _range(request, settings):
    start, end = default_range(request.user, settings)
    form = RangeForm(request.GET or None, initial={"start": start, "end": end})
    if request.GET and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, start, end


def _chart(activity) -> BarChart:
    labels = [month.strftime("%b %Y") for month in activity["months"]]
    totals = [sum(activity[k]) for k in ("logs", "responses", "meetings")]
    return BarChart(
        id="record-activity",
        title="My learning, month by month",
        description=(
            f"Logs published, responses given and meetings attended each month: "
            f"{totals[0]} logs, {totals[1]} responses and {totals[2]} meetings in all."
        ),
        labels=labels,
        series=[
            Series("Logs", activity["logs"]),
            Series("Responses given", activity["responses"]),
            Series("Meetings attended", activity["meetings"]),
        ],
        label_heading="Month",
    )


@login_required
def record_page(request):
    settings = settings_of(request.user)
    form, start, end = _range(request, settings)
    record = record_for(user=request.user, start=start, end=end, settings=settings)
    activity = activity_by_month(request.user, record, start=start, end=end)
    context = {
        **record,
        "range_form": form,
        "start": start,
        "end": end,
        "chart": _chart(activity) if activity["months"] else None,
        "revalidation_form": None if settings.revalidation_due else RevalidationForm(),
        "today": member_today(request.user),
    }
    return render(request, "record/record.html", context)


@login_required
@require_POST
def revalidation(request):
    """Her next revalidation date, asked once on the record page: the period it counts
    towards ends there."""
    form = RevalidationForm(request.POST)
    if form.is_valid():
        services.record_revalidation_save(member=request.user, **form.cleaned_data)
        messages.success(request, "Your record now counts towards your revalidation date.")
        return redirect("record:page")
    return render(request, "record/revalidation.html", {"form": form})


def _account(request, pk) -> ReflectiveAccount:
    return get_object_or_404(ReflectiveAccount, pk=pk, member=request.user)


def _chain_from(request):
    pk = request.GET.get("log") or request.POST.get("log")
    if not pk or not str(pk).isdigit():
        return None
    log = get_object_or_404(own_logs(request.user), pk=pk)
    return chain_through(request.user, log) if request.GET.get("chain") else [log]


@login_required
@resubmission_lands_on_first
def account_new(request):
    chain = _chain_from(request)
    initial = account_prefill(chain) if chain else {}
    form = AccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        save = once_made(request, services.account_save, url_of=_account_check_url)
        account = save(member=request.user, log=chain[-1] if chain else None, **form.cleaned_data)
        messages.success(
            request, "Your reflective account is saved. Check it before you export it."
        )
        return redirect("record:account_check", pk=account.pk)
    context = {"form": form, "chain": chain, "prompts": NMC_PROMPTS, "account": None}
    return render(request, "record/account_form.html", context)


def _account_check_url(account: ReflectiveAccount) -> str:
    return reverse("record:account_check", args=[account.pk])


@login_required
def account_edit(request, pk):
    account = _account(request, pk)
    form = AccountForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        services.account_save(member=request.user, account=account, **form.cleaned_data)
        messages.success(request, "Your changes are saved.")
        return redirect("record:account_check", pk=account.pk)
    context = {"form": form, "chain": None, "prompts": NMC_PROMPTS, "account": account}
    return render(request, "record/account_form.html", context)


@login_required
def account_check(request, pk):
    """The identifier check, then the exports."""
    account = _account(request, pk)
    findings = account_findings(account, user=request.user)
    context = {"account": account, "findings": findings, "prompts": NMC_PROMPTS}
    return render(request, "record/account_check.html", context)


def _unchecked(request, account) -> bool:
    """Findings she has not looked at: an export link followed without the check page."""
    return bool(account_findings(account, user=request.user)) and not request.GET.get("checked")


def _to_the_check(request, account):
    messages.error(request, "Check what could identify someone before you export.")
    return redirect("record:account_check", pk=account.pk)


@login_required
def account_docx_download(request, pk):
    account = _account(request, pk)
    if _unchecked(request, account):
        return _to_the_check(request, account)
    response = HttpResponse(account_docx(account), content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="reflective-account-{account.pk}.docx"'
    return response


@login_required
def account_print(request, pk):
    account = _account(request, pk)
    if _unchecked(request, account):
        return _to_the_check(request, account)
    context = {"account": account, "prompts": NMC_PROMPTS}
    return render(request, "record/account_print.html", context)


@login_required
@require_POST
def account_delete(request, pk):
    services.own_row_delete(member=request.user, row=_account(request, pk))
    messages.success(request, "The reflective account is deleted.")
    return redirect("record:page")


@login_required
@resubmission_lands_on_first
def cpd_add(request):
    logs = list(own_logs(request.user).order_by("-published_at")[:200])
    form = CpdEntryForm(request.POST or None, logs=logs)
    if request.method == "POST" and form.is_valid():
        add = once_made(request, services.cpd_entry_add, url_of=lambda _: reverse("record:page"))
        entry = add(member=request.user, **form.cleaned_data)
        if entry.date > member_today(request.user):
            messages.success(
                request,
                f"The CPD is planned for {entry.date:%-d %B %Y}: it shows under “Planned” "
                "and counts towards your target from that day.",
            )
        else:
            messages.success(request, "The CPD hours are added to your record.")
        return redirect("record:page")
    return render(request, "record/cpd_form.html", {"form": form})


@login_required
@require_POST
def cpd_delete(request, pk):
    entry = get_object_or_404(CpdEntry, pk=pk, member=request.user)
    services.own_row_delete(member=request.user, row=entry)
    messages.success(request, "The CPD entry is deleted.")
    return redirect("record:page")


@login_required
def cpd_csv(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cpd-log.csv"'
    writer = csv.writer(response)
    writer.writerow(["Date", "Activity", "Hours", "Participatory", "Source"])
    for row in cpd_rows(user=request.user):
        participatory = "yes" if row["participatory"] else "no"
        cells = [row["date"], row["activity"], row["hours"], participatory, row["source"]]
        writer.writerow([csv_cell(cell) for cell in cells])
    return response


@login_required
def target(request):
    form = TargetForm(request.POST or None, instance=settings_of(request.user))
    if request.method == "POST" and form.is_valid():
        services.record_settings_save(member=request.user, **form.cleaned_data)
        messages.success(request, "Your CPD target is saved.")
        return redirect("record:page")
    return render(request, "record/target.html", {"form": form})
