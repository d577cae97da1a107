from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from jingmin.forms import apply_errors
from jingmin.org import roles
from jingmin.org.scoping import user_unit
from jingmin.people.models import Notice, Person, SearchRequest, SearchStatus
from jingmin.places.models import Place
from jingmin.today import panels_for as today_panels
from jingmin.visits import actions
from jingmin.visits.forms import VisitForm
from jingmin.visits.hours import beat_officer_hours, hours_chart
from jingmin.visits.models import Config, RegistrationNotice, RegistrationStatus, Visit
from jingmin.visits.route import suggest
from jingmin.visits.schedule import due_list


@login_required
def today(request):
    """My beat today: due and overdue visits in a suggested order, notices, overdue reports."""
    roles.require_page(request.user, "visits.view")
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
    hours = beat_officer_hours(request.user)
    return render(
        request,
        "visits/today.html",
        {
            "panels": [render_to_string(t, c, request=request) for t, c in today_panels(request)],
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
            "open_searches": SearchRequest.objects.visible_to(request.user)
            .filter(status=SearchStatus.OPEN)
            .count(),
            "can_log": roles.can(request.user, "visits.log"),
            "can_registration": roles.can(request.user, "visits.registration_notices"),
            "hours": hours,
            "hours_chart": hours_chart(hours) if hours else None,
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
    roles.require_page(request.user, "visits.log")
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
    roles.require_page(request.user, "visits.view")
    visits = Visit.objects.visible_to(request.user).select_related("officer", "person", "place", "unit")[:300]
    return render(request, "visits/visit_list.html", {"visits": visits})


# --- household registration notices (勤區訪查通報單) ------------------------------------------------


def _registration_notices(request):
    roles.require_page(request.user, "visits.registration_notices")
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
