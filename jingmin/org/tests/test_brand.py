"""The header and the sign-in page name the bureau (JINGMIN_ORG_NAME), and sign-in states lawful use."""

from django.test import override_settings


def test_brand_names_the_bureau(client, w):
    page = client.get("/login/").content.decode()
    assert "臺南市政府警察局" in page and "稽核紀錄" in page
    assert "警民 <small>警民</small>" not in page
    client.force_login(w.inside["beat_officer"])
    home = client.get("/").content.decode()
    assert '<span class="org">臺南市政府警察局</span> · 警民' in home


@override_settings(ORG_NAME="高雄市政府警察局")
def test_brand_is_configurable(client):
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "高雄市政府警察局" in page and "臺南市政府警察局" not in page
    assert "audit log" in page
