from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from jingmin.forms import apply_errors
from jingmin.intel import actions
from jingmin.intel.forms import AssignForm, CloseForm, ForwardForm, IntelForm
from jingmin.intel.models import IntelReport, IntelStatus
from jingmin.org import roles
from jingmin.visits.models import Config


@login_required
def intel_list(request):
    roles.require_page(request.user, "intel.view")
    qs = IntelReport.objects.visible_to(request.user).select_related("unit", "filed_by", "assigned_to")
    status = request.GET.get("status", "")
    if status in IntelStatus.values:
        qs = qs.filter(status=status)
    now = timezone.now()
    config = Config.get()
    rows = [(r, r.is_overdue(now, config)) for r in qs[:300]]
    return render(
        request,
        "intel/list.html",
        {
            "rows": rows,
            "status": status,
            "statuses": IntelStatus.choices,
            "can_file": roles.can(request.user, "intel.file"),
        },
    )


@login_required
def intel_create(request):
    roles.require_page(request.user, "intel.file")
    initial = {k: request.GET.get(k) for k in ("person", "place") if request.GET.get(k)}
    form = IntelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = actions.file_intel(acting_user=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Report filed; it goes to the station chief."))
            return redirect("intel:detail", pk=report.pk)
    return render(request, "intel/form.html", {"form": form})


@login_required
def intel_detail(request, pk):
    roles.require_page(request.user, "intel.view")
    report = get_object_or_404(
        IntelReport.objects.visible_to(request.user).select_related(
            "unit", "station", "filed_by", "assigned_to"
        ),
        pk=pk,
    )
    can_handle = roles.can(request.user, "intel.handle")
    assign = AssignForm(request.POST if request.POST.get("action") == "assign" else None)
    assign.fields["assigned_to"].choices = [
        (u.username, u.get_full_name() or u.username) for u in actions.assignable_officers(report)
    ]
    forward = ForwardForm(request.POST if request.POST.get("action") == "forward" else None)
    close = CloseForm(request.POST if request.POST.get("action") == "close" else None)
    if request.method == "POST":
        if not can_handle:
            raise PermissionDenied(_("You do not have permission to do this."))
        action = request.POST.get("action")
        form = {"assign": assign, "forward": forward, "close": close}.get(action)
        try:
            if action == "acknowledge":
                actions.acknowledge_intel(acting_user=request.user, report=report)
            elif form is not None and form.is_valid():
                data = form.cleaned_data
                if action == "assign":
                    actions.assign_intel(acting_user=request.user, report=report, officer=data["assigned_to"])
                elif action == "forward":
                    actions.forward_intel(
                        acting_user=request.user, report=report, to=data["forwarded_to"], note=data["note"]
                    )
                else:
                    actions.close_intel(acting_user=request.user, report=report, outcome=data["outcome"])
            else:
                raise ValidationError(_("Check the form."))
        except ValidationError as exc:
            if form is not None:
                apply_errors(form, exc)
            else:
                messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Report updated."))
            return redirect("intel:detail", pk=report.pk)
    return render(
        request,
        "intel/detail.html",
        {
            "report": report,
            "overdue": report.is_overdue(),
            "can_handle": can_handle,
            "assign": assign,
            "forward": forward,
            "close": close,
        },
    )
