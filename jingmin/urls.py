from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from jingmin import views
from jingmin.api import api
from jingmin.messaging import views as messaging_views
from jingmin.org import otp
from jingmin.org import views as org_views

urlpatterns = [
    path("", org_views.home, name="home"),
    path("login/", org_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("account/otp/setup/", otp.otp_setup, name="otp_setup"),
    path("account/otp/verify/", otp.otp_verify, name="otp_verify"),
    path("map/", include("jingmin.geo.urls")),
    path("org/", include("jingmin.org.urls")),
    path("places/", include("jingmin.places.urls")),
    path("people/", include("jingmin.people.urls")),
    path("visits/intel/", include("jingmin.intel.urls")),
    path("visits/search/", include("jingmin.people.search_urls")),
    path("visits/notices/", include("jingmin.people.notice_urls")),
    path("visits/", include("jingmin.visits.urls")),
    path("audit/", include("jingmin.org.auditlog_urls")),
    path("messaging/", include("jingmin.messaging.urls")),
    path("hooks/line/<slug:slug>", messaging_views.line_webhook, name="line_webhook"),
    path("analytics/", include("jingmin.analytics.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "jingmin.views.bad_request"
handler403 = "jingmin.views.forbidden"
handler404 = "jingmin.views.not_found"
handler500 = "jingmin.views.server_error"
