from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingmin.forms import apply_errors
from jingmin.org import roles
from jingmin.org.scoping import user_unit
from jingmin.people import actions as people_actions
from jingmin.people.models import Person
from jingmin.places.models import Place
from jingmin.visits import actions
from jingmin.visits.forms import AssignForm, CloseForm, ForwardForm, FoundForm, IntelForm, VisitForm
from jingmin.visits.hours import beat_officer_hours
from jingmin.visits.models import (
    Config,
    IntelReport,
    IntelStatus,
    Notice,
    RegistrationNotice,
    RegistrationStatus,
    SearchRequest,
    SearchStatus,
    Visit,
)
from jingmin.visits.route import suggest
from jingmin.visits.schedule import due_list


def require(user, capability):
    if not roles.can(user, capability):
        raise PermissionDenied(_("You do not have permission to see this page."))


@login_required
def today(request):
    """My beat today: due and overdue visits in a suggested order, notices, overdue reports."""
    require(request.user, "visits.view")
    day = timezone.localdate()
    items = due_list(request.user, day)
    config = Config.get()
    route, rest, minutes = [], items, 0
    if request.GET.get("route", "1") != "0" and items:
        route, rest, minutes = suggest(user_unit(request.user), items[:80], config)
        rest = rest + items[80:]
    points = [
        {"lat": i.lat, "lon": i.lon, "name": str(i.subject), "order": n, "overdue": i.overdue}
        for n, i in enumerate(route, start=1)
    ] + [
        {"lat": i.lat, "lon": i.lon, "name": str(i.subject), "order": None, "overdue": i.overdue}
        for i in rest
    ]
    return render(
        request,
        "visits/today.html",
        {
            "today": day,
            "route": route,
            "rest": rest,
            "minutes": minutes,
            "config": config,
            "count": len(items),
            "overdue": sum(1 for i in items if i.overdue),
            "points": points,
            "notices": Notice.objects.visible_to(request.user)
            .filter(read_at__isnull=True)
            .select_related("from_unit")[:10],
            "overdue_reports": actions.overdue_reports(request.user)[:20]
            if roles.can(request.user, "intel.handle")
            else [],
            "open_searches": SearchRequest.objects.visible_to(request.user)
            .filter(status=SearchStatus.OPEN)
            .count(),
            "can_log": roles.can(request.user, "visits.log"),
            "can_registration": roles.can(request.user, "visits.registration_notices"),
            "hours": beat_officer_hours(request.user),
            "registration_open": RegistrationNotice.objects.visible_to(request.user)
            .filter(status=RegistrationStatus.OPEN)
            .count()
            if roles.can(request.user, "visits.send_registration_notice")
            else 0,
            "tile_url": settings.TILE_URL,
        },
    )


@login_required
def log_visit(request):
    """Log a visit from a phone: one screen, the subject chosen from the due list."""
    require(request.user, "visits.log")
    source = request.POST if request.method == "POST" else request.GET
    subject = None
    if source.get("person"):
        subject = Person.objects.visible_to(request.user).filter(pk=source.get("person")).first()
    elif source.get("place"):
        subject = Place.objects.visible_to(request.user).filter(pk=source.get("place")).first()
    form = VisitForm(
        request.POST or None, initial={"person": request.GET.get("person"), "place": request.GET.get("place")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.log_visit(acting_user=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Visit saved: %(subject)s.") % {"subject": subject or ""})
            return redirect("visits:today")
    return render(
        request,
        "visits/log.html",
        {"form": form, "subject": subject, "group_notice_days": Config.get().group_notice_days},
    )


@login_required
def visit_list(request):
    require(request.user, "visits.view")
    visits = Visit.objects.visible_to(request.user).select_related("officer", "person", "place", "unit")[:300]
    return render(request, "visits/visit_list.html", {"visits": visits})


# --- intelligence reports ---------------------------------------------------------------------


@login_required
def intel_list(request):
    require(request.user, "intel.view")
    qs = IntelReport.objects.visible_to(request.user).select_related("unit", "filed_by", "assigned_to")
    status = request.GET.get("status", "")
    if status in IntelStatus.values:
        qs = qs.filter(status=status)
    now = timezone.now()
    config = Config.get()
    rows = [(r, r.is_overdue(now, config)) for r in qs[:300]]
    return render(
        request,
        "visits/intel_list.html",
        {
            "rows": rows,
            "status": status,
            "statuses": IntelStatus.choices,
            "can_file": roles.can(request.user, "intel.file"),
        },
    )


@login_required
def intel_create(request):
    require(request.user, "intel.file")
    initial = {k: request.GET.get(k) for k in ("person", "place") if request.GET.get(k)}
    form = IntelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = actions.file_intel(acting_user=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Report filed; it goes to the station chief."))
            return redirect("visits:intel_detail", pk=report.pk)
    return render(request, "visits/intel_form.html", {"form": form})


def _station_officers(report):
    User = get_user_model()
    return User.objects.filter(officer__unit__path__startswith=report.station.path, is_active=True).order_by(
        "username"
    )


@login_required
def intel_detail(request, pk):
    require(request.user, "intel.view")
    report = get_object_or_404(
        IntelReport.objects.visible_to(request.user).select_related(
            "unit", "station", "filed_by", "assigned_to"
        ),
        pk=pk,
    )
    can_handle = roles.can(request.user, "intel.handle")
    assign = AssignForm(request.POST if request.POST.get("action") == "assign" else None)
    assign.fields["assigned_to"].choices = [
        (u.username, u.get_full_name() or u.username) for u in _station_officers(report)
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
            return redirect("visits:intel_detail", pk=report.pk)
    return render(
        request,
        "visits/intel_detail.html",
        {
            "report": report,
            "overdue": report.is_overdue(),
            "can_handle": can_handle,
            "assign": assign,
            "forward": forward,
            "close": close,
        },
    )


# --- search requests --------------------------------------------------------------------------


@login_required
def search_list(request):
    require(request.user, "search.view")
    status = request.GET.get("status", SearchStatus.OPEN)
    qs = SearchRequest.objects.visible_to(request.user).select_related(
        "person", "person__registered_unit", "opened_unit", "found_unit"
    )
    if status in SearchStatus.values:
        qs = qs.filter(status=status)
    from jingmin.people.national_id import mask

    rows = [(s, mask(s.person.national_id)) for s in qs[:300]]
    people_actions.record_list_read(
        acting_user=request.user,
        what="search-requests",
        ids=[s.person_id for s, _masked in rows],
        count=len(rows),
        filters={"status": status},
    )
    return render(
        request, "visits/search_list.html", {"rows": rows, "status": status, "statuses": SearchStatus.choices}
    )


@login_required
def search_detail(request, pk):
    require(request.user, "search.view")
    search = get_object_or_404(
        SearchRequest.objects.visible_to(request.user).select_related(
            "person", "opened_unit", "found_unit", "found_by"
        ),
        pk=pk,
    )
    form = FoundForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "search.report_found")
        if form.is_valid():
            try:
                actions.report_found(acting_user=request.user, search=search, data=form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Thank you: the registered-address unit has been notified."))
                return redirect(reverse("visits:search_detail", args=[search.pk]))
    from jingmin.people.national_id import mask

    if request.method == "GET":
        people_actions.record_list_read(
            acting_user=request.user,
            what="search-request",
            ids=[search.person_id],
            count=1,
            filters={"search": search.pk},
        )
    return render(
        request,
        "visits/search_detail.html",
        {"search": search, "masked_id": mask(search.person.national_id), "form": form,
         "can_report": roles.can(request.user, "search.report_found") and search.status == SearchStatus.OPEN},
    )  # fmt: skip


# --- notices ----------------------------------------------------------------------------------


@login_required
def notice_list(request):
    """Notices to the user's units, unread first; each can be marked read."""
    require(request.user, "visits.view")
    qs = Notice.objects.visible_to(request.user).select_related("unit", "from_unit", "read_by")
    show = request.GET.get("show", "unread")
    if show != "all":
        qs = qs.filter(read_at__isnull=True)
    return render(request, "visits/notice_list.html", {"notices": qs[:300], "show": show})


@login_required
@require_POST
def notice_read(request, pk):
    require(request.user, "visits.view")
    notice = get_object_or_404(Notice.objects.visible_to(request.user), pk=pk)
    actions.mark_notice_read(acting_user=request.user, notice=notice)
    messages.success(request, _("Notice marked read."))
    target = request.POST.get("next", "")
    return redirect("visits:notice_list" if target == "list" else "visits:today")


# --- household registration notices (勤區訪查通報單) ------------------------------------------------


def _registration_notices(request):
    require(request.user, "visits.registration_notices")
    return RegistrationNotice.objects.visible_to(request.user).select_related(
        "unit", "station", "officer", "person", "place", "village", "village__district", "visit", "sent_by"
    )


@login_required
def registration_list(request):
    qs = _registration_notices(request)
    status = request.GET.get("status", "")
    if status in RegistrationStatus.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "visits/registration_list.html",
        {"notices": qs[:300], "status": status, "statuses": RegistrationStatus.choices},
    )


@login_required
def registration_detail(request, pk):
    """The printable notice; the station chief marks it sent."""
    notice = get_object_or_404(_registration_notices(request), pk=pk)
    can_send = roles.can(request.user, "visits.send_registration_notice")
    if request.method == "POST":
        if not can_send:
            raise PermissionDenied(_("You do not have permission to do this."))
        try:
            actions.send_registration_notice(acting_user=request.user, notice=notice)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Notice marked as sent to the household registration office."))
        return redirect("visits:registration_detail", pk=notice.pk)
    return render(
        request,
        "visits/registration_detail.html",
        {"notice": notice, "can_send": can_send and notice.status == RegistrationStatus.OPEN},
    )
