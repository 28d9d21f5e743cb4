"""The navigation bar: its links and search box are rendered once per role, language, page and
mount point and kept in the worker (app/templating.py navigation()), so every test here asks
one app for the same bar in two of them and checks that neither answer is the other's."""

import re

import pytest

NAV = re.compile(r'<ul class="navbar-nav me-auto">.*?</ul>', re.S)
ACTIVE = re.compile(r'<a class="nav-link active" aria-current="page" href="([^"]*)">')


def nav(response):
    """The navigation's list of links, as served."""
    assert response.status_code == 200
    return NAV.search(response.get_data(as_text=True)).group(0)


def test_the_active_link_is_the_pages_own(client):
    for _ in range(2):  # the second round is served from what the first kept
        assert ACTIVE.findall(nav(client.get("/vets"))) == ["/vets"]
        assert ACTIVE.findall(nav(client.get("/owners/find"))) == ["/owners/find"]
        assert ACTIVE.findall(nav(client.get("/"))) == ["/"]


def test_each_role_keeps_its_own_links(sign_in, anonymous):
    admin, reception = sign_in("admin"), sign_in("reception")
    for _ in range(2):
        assert 'href="/users"' in nav(admin.get("/vets"))
        assert 'href="/users"' not in nav(reception.get("/vets"))
        assert 'href="/audit"' in nav(admin.get("/vets"))
    signed_out = anonymous.get("/login").get_data(as_text=True)
    assert 'id="nav-q"' not in signed_out and 'href="/users"' not in signed_out
    assert 'id="nav-q"' in reception.get("/vets").get_data(as_text=True)


def test_each_language_keeps_its_own_words(sign_in):
    reception = sign_in("reception")
    for _ in range(2):
        spanish = nav(reception.get("/vets", headers={"Accept-Language": "es"}))
        english = nav(reception.get("/vets", headers={"Accept-Language": "en"}))
        assert "Veterinarios" in spanish and "Buscar propietarios" in spanish
        assert "Veterinarians" in english and "Veterinarios" not in english


@pytest.mark.parametrize("mount", ["/clinic", "/other"])
def test_links_follow_the_mount_point(client, mount):
    mounted = nav(client.get("/vets", base_url=f"http://localhost{mount}"))
    assert ACTIVE.findall(mounted) == [f"{mount}/vets"]
    assert f'href="{mount}/owners/find"' in mounted
    assert ACTIVE.findall(nav(client.get("/vets"))) == ["/vets"]


def test_the_signed_in_name_and_token_are_each_requests_own(sign_in):
    admin, reception = sign_in("admin"), sign_in("reception")
    pages = [admin.get("/vets").get_data(as_text=True),
             reception.get("/vets").get_data(as_text=True)]
    assert "admin · " in pages[0] and "reception · " in pages[1]
    tokens = [re.search(r'name="csrf_token" value="([^"]+)"', page).group(1) for page in pages]
    assert tokens[0] != tokens[1]
