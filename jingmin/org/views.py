from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from jingmin import today
from jingmin.audit import log as audit
from jingmin.audit.models import AuditEvent
from jingmin.audit.reason import reason_required
from jingmin.forms import apply_errors
from jingmin.org import actions, lockout, roles
from jingmin.org.forms import AttendanceForm, LoginForm, TrainingSessionForm, UnitImportForm
from jingmin.org.importer import ImportFailed, import_units
from jingmin.org.models import Officer, TrainingSession, Unit, Village
from jingmin.org.scoping import user_unit
from jingmin.paging import page_of


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "org/login.html"
    redirect_authenticated_user = True


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes lockout response: a clear message, JSON for the API."""
    message = lockout.locked_message(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    form = LoginForm(request)
    return render(request, "org/login.html", {"form": form, "locked_message": message}, status=429)


@login_required
def home(request):
    user = request.user
    unit = user_unit(user)
    units = Unit.objects.visible_to(user, "org.view_units")
    counts = dict(units.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    context = {
        "unit": unit,
        "roles": [roles.ROLE_LABELS[r] for r in sorted(roles.roles_of(user)) if r in roles.ROLE_LABELS],
        "counts": {kind: counts.get(kind, 0) for kind in ("precinct", "station", "beat")},
        "villages": Village.objects.visible_to(user).count(),
        "can": {cap.replace(".", "_"): roles.can(user, cap) for cap in roles.CAPABILITIES},
        "beat_villages": list(Village.objects.filter(beat=unit))
        if unit and unit.kind == Unit.Kind.BEAT
        else [],
        "recent_training": TrainingSession.objects.visible_to(user)[:5],
        "today": timezone.localdate(),
        "tasks": today.items_for(user),
        "panels": [render_to_string(t, c, request=request) for t, c in today.panels_for(request)],
    }
    return render(request, "org/home.html", context)


@login_required
def unit_list(request):
    roles.require_page(request.user, "org.view_units")
    units = Unit.objects.visible_to(request.user, "org.view_units").annotate(members_count=Count("members"))
    kind = request.GET.get("kind")
    if kind in Unit.Kind.values:
        units = units.filter(kind=kind)
    q = request.GET.get("q", "").strip()
    if q:
        units = units.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(name_en__icontains=q))
    within = request.GET.get("within", "")
    precincts = Unit.objects.visible_to(request.user, "org.view_units").filter(kind=Unit.Kind.PRECINCT)
    chosen = precincts.filter(code=within).first() if within else None
    if chosen is not None:
        units = units.filter(path__startswith=chosen.path)
    page, query = page_of(request, units.select_related("parent").order_by("path"))
    return render(
        request,
        "org/unit_list.html",
        {
            "page": page,
            "query": query,
            "kind": kind,
            "q": q,
            "kinds": Unit.Kind.choices,
            "precincts": precincts.order_by("path"),
            "within": chosen.code if chosen else "",
        },
    )


@login_required
def unit_detail(request, code):
    roles.require_page(request.user, "org.view_units")
    unit = get_object_or_404(Unit.objects.visible_to(request.user, "org.view_units"), code=code)
    members = (
        Officer.objects.visible_to(request.user).filter(unit=unit).select_related("user")
        if roles.can(request.user, "org.view_members")
        else Officer.objects.none()
    )
    context = {
        "unit": unit,
        "children": unit.children.annotate(members_count=Count("members")),
        "members": members,
        "villages": unit.all_villages().select_related("district", "beat")[:1000],
        "districts": unit.districts.all(),
        "ancestors": list(
            Unit.objects.visible_to(request.user, "org.view_units")
            .filter(code__in=unit.path.strip("/").split("/")[:-1])
            .order_by("path")
        ),
        "training": TrainingSession.objects.visible_to(request.user).filter(unit=unit)[:10],
        "can_details": roles.can(request.user, "org.view_officer_details"),
    }
    return render(request, "org/unit_detail.html", context)


def _officer(request, pk):
    """The officer whose details the user may open (403 without the capability, 404 out of scope)."""
    roles.require_page(request.user, "org.view_officer_details")
    return get_object_or_404(Officer.objects.visible_to(request.user).select_related("user", "unit"), pk=pk)


@login_required
@reason_required(check=_officer)
def officer_detail(request, pk, reason):
    """An officer's personal contact details: supervisors only, with a reason, audited."""
    officer = _officer(request, pk)
    audit.record("org.view_officer", actor=request.user, obj=officer, unit=officer.unit, reason=reason)
    viewers = AuditEvent.objects.filter(object_type="org.officer", object_id=str(officer.pk)).order_by("-id")[
        :20
    ]
    trainings = officer.trainings.select_related("session")
    return render(
        request,
        "org/officer_detail.html",
        {"officer": officer, "reason": reason, "viewers": viewers, "trainings": trainings},
    )


@login_required
def training_list(request):
    roles.require_page(request.user, "org.view_training")
    sessions = (
        TrainingSession.objects.visible_to(request.user)
        .select_related("unit")
        .annotate(
            attendees=Count("attendances"),
            completed=Count("attendances", filter=Q(attendances__completed=True)),
        )
    )
    unit_code = request.GET.get("unit")
    if unit_code:
        sessions = sessions.filter(unit__code=unit_code)
    return render(
        request,
        "org/training_list.html",
        {
            "sessions": sessions[:300],
            "can_manage": roles.can(request.user, "org.manage_training"),
            "unit_code": unit_code,
        },
    )


@login_required
def training_create(request):
    roles.require_page(request.user, "org.manage_training")
    unit = user_unit(request.user)
    if unit is None:
        raise PermissionDenied(_("You have no unit."))
    form = TrainingSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = actions.create_training_session(
                acting_user=request.user, unit=unit, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Training session saved."))
            return redirect("org:training_detail", pk=session.pk)
    return render(request, "org/training_form.html", {"form": form, "unit": unit})


@login_required
def training_detail(request, pk):
    roles.require_page(request.user, "org.view_training")
    session = get_object_or_404(
        TrainingSession.objects.visible_to(request.user).select_related("unit"), pk=pk
    )
    officers = (
        Officer.objects.visible_to(request.user)
        .police()
        .filter(unit__path__startswith=session.unit.path)
        .select_related("user", "unit")
    )
    attendances = session.attendances.select_related("officer__user", "officer__unit")
    can_manage = roles.can(request.user, "org.manage_training")
    initial = {
        "attendees": [a.officer_id for a in attendances],
        "completed": [a.officer_id for a in attendances if a.completed],
    }
    form = AttendanceForm(request.POST or None, officers=officers, initial=initial)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(_("You do not have permission to do this."))
        if form.is_valid():
            try:
                actions.set_attendance(
                    acting_user=request.user,
                    session=session,
                    officers=form.cleaned_data["attendees"],
                    completed_ids=[o.pk for o in form.cleaned_data["completed"]],
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Attendance saved."))
                return redirect("org:training_detail", pk=session.pk)
    return render(
        request,
        "org/training_detail.html",
        {"session": session, "attendances": attendances, "form": form, "can_manage": can_manage},
    )


@login_required
def unit_import(request):
    roles.require_page(request.user, "org.import_units")
    form = UnitImportForm(request.POST or None, request.FILES or None)
    errors = []
    result = None
    if request.method == "POST" and form.is_valid():
        name, content = form.cleaned_data["file"]
        try:
            result = import_units(content, name, actor=request.user)
        except ImportFailed as exc:
            errors = exc.errors
        else:
            messages.success(
                request, _("Imported %(rows)s rows: %(created)s created, %(updated)s updated.") % result
            )
            return redirect("org:unit_import")
    return render(request, "org/unit_import.html", {"form": form, "errors": errors, "result": result})


@login_required
def lockout_list(request):
    """Administrators: the username/address pairs locked out now, and unlocking one."""
    from axes.models import AccessAttempt

    roles.require(request.user, "org.unlock_signin", _("Only administrators may unlock sign-ins."))
    if request.method == "POST":
        pk = request.POST.get("attempt", "")
        attempt = AccessAttempt.objects.filter(pk=pk).first() if pk.isdigit() else None
        if attempt is None:
            messages.error(request, _("This lockout has already ended or been lifted."))
        else:
            lockout.unlock(acting_user=request.user, attempt=attempt)
            messages.success(
                request,
                _("Signing in as %(user)s from %(ip)s is unlocked.")
                % {"user": attempt.username, "ip": attempt.ip_address},
            )
        return redirect("org:lockout_list")
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT).order_by(
        "-attempt_time"
    )
    return render(request, "org/lockout_list.html", {"attempts": attempts[:200]})
