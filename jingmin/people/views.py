from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingmin.audit.models import AuditEvent
from jingmin.audit.reason import reason_required
from jingmin.forms import apply_errors
from jingmin.org import roles
from jingmin.people import actions
from jingmin.people.actions import notices
from jingmin.people.actions import search as search_actions
from jingmin.people.forms import FoundForm, HouseholdForm, PersonForm, SearchForm
from jingmin.people.models import Category, Household, Kind, Notice, Person, SearchRequest, SearchStatus
from jingmin.people.national_id import mask


def _persons(request):
    roles.require_page(request.user, "people.view")
    return Person.objects.visible_to(request.user).select_related(
        "category", "unit", "registered_unit", "village", "village__district"
    )


@login_required
def person_list(request):
    today = timezone.localdate()
    qs = _persons(request).listed(today)
    kind = request.GET.get("kind", "")
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    category = request.GET.get("category", "")
    if category:
        qs = qs.filter(category__code=category)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(name__icontains=q)
    nid = request.GET.get("national_id", "").strip()
    if nid:
        qs = Person.find_by_national_id(nid, qs)
    if request.GET.get("missing"):
        qs = qs.filter(whereabouts_unknown=True)
    rows = [(p, p.national_id_for(request.user)) for p in qs[:500]]
    count = qs.count()
    actions.record_list_read(
        acting_user=request.user,
        what="persons",
        ids=[p.pk for p, _nid in rows],
        count=count,
        filters={"kind": kind, "category": category, "q": q, "national_id": nid,
                 "missing": True if request.GET.get("missing") else None},
    )  # fmt: skip
    return render(
        request,
        "people/person_list.html",
        {
            "rows": rows,
            "count": count,
            "kind": kind,
            "kinds": Kind.choices,
            "category": category,
            "categories": Category.objects.filter(active=True),
            "q": q,
            "national_id": nid,
            "can_manage": roles.can(request.user, "people.manage"),
            "can_import": roles.can(request.user, "people.import"),
        },
    )


def _person(request, pk):
    """The person the user may open: 403 without the capability, 404 outside the jurisdiction."""
    return get_object_or_404(_persons(request), pk=pk)


@login_required
@reason_required(check=_person)
def person_detail(request, pk, reason):
    person = _person(request, pk)
    actions.record_view(acting_user=request.user, person=person, reason=reason)
    viewers = (
        AuditEvent.objects.filter(
            object_type="people.person", object_id=str(person.pk), action="people.view_person"
        ).order_by("-id")[:30]
        if roles.can(request.user, "people.view_viewers")
        else None
    )
    visits = person.visits.select_related("officer")[:24] if roles.can(request.user, "visits.view") else []
    plans = person.visit_plans.filter(status="open").order_by("due_date")[:12]
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "national_id": person.national_id_for(request.user, whole=True),
            "reason": reason,
            "viewers": viewers,
            "visits": visits,
            "plans": plans,
            "searches": person.search_requests.select_related("opened_unit", "found_unit", "found_by")[:10],
            "members": (
                person.household.members_visible_to(request.user).exclude(pk=person.pk)
                if person.household_id
                else []
            ),
            "can_manage": roles.can(request.user, "people.manage"),
            "can_log": roles.can(request.user, "visits.log"),
            "can_search": roles.can(request.user, "search.open") and not person.whereabouts_unknown,
            "search_form": SearchForm(),
            "today": timezone.localdate(),
        },
    )


def _initial(person):
    data = {
        k: getattr(person, k)
        for k in PersonForm.base_fields
        if hasattr(person, k) and k not in ("category", "national_id", "phone")
    }
    data.update(
        category=person.category.code if person.category else "",
        national_id=person.national_id,
        phone=person.phone,
        household=str(person.household_id or ""),
        registered_unit=person.registered_unit.code,
    )
    return data


@login_required
def person_form(request, pk=None):
    roles.require_page(request.user, "people.manage")
    person = get_object_or_404(_persons(request), pk=pk) if pk else None
    form = PersonForm(
        request.POST or None,
        initial=_initial(person) if person else {"kind": request.GET.get("kind", "concern")},
        user=request.user,
        person=person,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if person is None:
                person = actions.create_person(acting_user=request.user, data=form.cleaned_data)
            else:
                person = actions.update_person(
                    acting_user=request.user, person=person, data=form.cleaned_data
                )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Person saved."))
            return redirect(f"/people/{person.pk}/?reason=service")
    return render(request, "people/person_form.html", {"form": form, "person": person})


@login_required
@require_POST
def person_missing(request, pk):
    """Whereabouts unknown (行方不明): open a city-wide search request (協尋)."""
    person = get_object_or_404(_persons(request), pk=pk)
    form = SearchForm(request.POST)
    form.is_valid()
    try:
        search_actions.open_search(
            acting_user=request.user, person=person, note=form.cleaned_data.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Search request sent to the bureau."))
    return redirect("search:list")


@login_required
def household_list(request):
    roles.require_page(request.user, "people.view")
    qs = Household.objects.visible_to(request.user).select_related("village", "village__district")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(address__icontains=q)
    households, count = list(qs[:500]), qs.count()
    actions.record_list_read(
        acting_user=request.user,
        what="households",
        ids=[h.pk for h in households],
        count=count,
        filters={"q": q},
    )
    return render(
        request,
        "people/household_list.html",
        {"households": households, "count": count, "q": q, "can_manage": roles.can(request.user, "people.manage"),
         "can_import": roles.can(request.user, "people.import")},
    )  # fmt: skip


@login_required
def household_detail(request, pk):
    roles.require_page(request.user, "people.view")
    household = get_object_or_404(
        Household.objects.visible_to(request.user).select_related("village", "unit"), pk=pk
    )
    members = list(household.members_visible_to(request.user).select_related("category"))
    actions.record_list_read(
        acting_user=request.user,
        what="household",
        ids=[p.pk for p in members],
        count=len(members),
        filters={"household": household.pk},
    )
    return render(
        request,
        "people/household_detail.html",
        {"household": household, "members": members, "can_manage": roles.can(request.user, "people.manage")},
    )


@login_required
def household_form(request, pk=None):
    roles.require_page(request.user, "people.manage")
    household = get_object_or_404(Household.objects.visible_to(request.user), pk=pk) if pk else None
    initial = {k: getattr(household, k) for k in ("address", "lat", "lon", "notes")} if household else {}
    form = HouseholdForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if household is None:
                household = actions.create_household(acting_user=request.user, data=form.cleaned_data)
            else:
                household = actions.update_household(
                    acting_user=request.user, household=household, data=form.cleaned_data
                )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Household saved."))
            return redirect("people:household_detail", pk=household.pk)
    return render(
        request,
        "people/household_form.html",
        {"form": form, "household": household},
    )


# --- search requests (協尋) --------------------------------------------------------------------


@login_required
def search_list(request):
    roles.require_page(request.user, "search.view")
    status = request.GET.get("status", SearchStatus.OPEN)
    qs = SearchRequest.objects.visible_to(request.user).select_related(
        "person", "person__registered_unit", "opened_unit", "found_unit"
    )
    if status in SearchStatus.values:
        qs = qs.filter(status=status)
    rows = [(s, mask(s.person.national_id)) for s in qs[:300]]
    actions.record_list_read(
        acting_user=request.user,
        what="search-requests",
        ids=[s.person_id for s, _masked in rows],
        count=len(rows),
        filters={"status": status},
    )
    return render(
        request, "people/search_list.html", {"rows": rows, "status": status, "statuses": SearchStatus.choices}
    )


@login_required
def search_detail(request, pk):
    roles.require_page(request.user, "search.view")
    search = get_object_or_404(
        SearchRequest.objects.visible_to(request.user).select_related(
            "person", "opened_unit", "found_unit", "found_by"
        ),
        pk=pk,
    )
    form = FoundForm(request.POST or None)
    if request.method == "POST":
        roles.require_page(request.user, "search.report_found")
        if form.is_valid():
            try:
                search_actions.report_found(acting_user=request.user, search=search, data=form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Thank you: the registered-address unit has been notified."))
                return redirect(reverse("search:detail", args=[search.pk]))
    if request.method == "GET":
        actions.record_list_read(
            acting_user=request.user,
            what="search-request",
            ids=[search.person_id],
            count=1,
            filters={"search": search.pk},
        )
    return render(
        request,
        "people/search_detail.html",
        {"search": search, "masked_id": mask(search.person.national_id), "form": form,
         "can_report": roles.can(request.user, "search.report_found") and search.status == SearchStatus.OPEN},
    )  # fmt: skip


# --- notices ----------------------------------------------------------------------------------


@login_required
def notice_list(request):
    """Notices to the user's units, unread first; each can be marked read."""
    roles.require_page(request.user, "visits.view")
    qs = Notice.objects.visible_to(request.user).select_related("unit", "from_unit", "read_by")
    show = request.GET.get("show", "unread")
    if show != "all":
        qs = qs.filter(read_at__isnull=True)
    return render(request, "people/notice_list.html", {"notices": qs[:300], "show": show})


@login_required
@require_POST
def notice_read(request, pk):
    roles.require_page(request.user, "visits.view")
    notice = get_object_or_404(Notice.objects.visible_to(request.user), pk=pk)
    notices.mark_notice_read(acting_user=request.user, notice=notice)
    messages.success(request, _("Notice marked read."))
    target = request.POST.get("next", "")
    return redirect("notices:list" if target == "list" else "visits:today")
