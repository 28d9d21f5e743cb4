"""Pet types and specialties renamed and removed, on the reference page and with `flask`:
removal refused while in use, saying where; a rename refused on a clash."""

import re
from html import unescape

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import PetType, Specialty, Vet
from tests import factories as f
from tests.concurrency import post_at_once
from tests.staff import signed_in


@pytest.fixture
def rows(dbs):
    """Three cats, an unused hamster type; surgery needed by a type, dentistry held by a vet,
    radiology unused; a vaccine for hamsters."""
    with dbs() as session:
        owner = f.owner(session)
        for name in ("Leo", "Tom", "Kit"):
            f.pet(session, owner, name=name, kind="cat")
        hamster = f.pet_type(session, "hamster")
        f.vaccine_type(session, "Hamster pox", ("hamster",))
        surgery = f.specialty(session, "surgery")
        f.appointment_type(session, "operation", minutes=120, needs="surgery")
        vet = f.vet(session, specialties=("dentistry",))
        radiology = f.specialty(session, "radiology")
        session.commit()
        return {"cat": session.scalar(sa.select(PetType.id).where(PetType.name == "cat")),
                "hamster": hamster.id, "surgery": surgery.id, "vet": vet.id,
                "dentistry": vet.specialties[0].id, "radiology": radiology.id}


def text(response):
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def names(dbs, model):
    with dbs() as session:
        return set(session.scalars(sa.select(model.name)))


def test_the_headings_are_real_plurals(client, rows):
    page = text(client.get("/reference"))
    assert "Specialties" in page and "Pet types" in page and "Specialtys" not in page


def test_a_pet_type_is_renamed_and_its_pets_keep_it(client, dbs, rows):
    response = client.post(f"/reference/pettype/{rows['cat']}/edit",
                           data={"kind": "pettype", "name": " Feline "})
    assert response.status_code == 302
    assert "Pet type 'cat' renamed 'feline'." in text(client.get("/reference"))
    assert "feline" in names(dbs, PetType) and "cat" not in names(dbs, PetType)


@pytest.mark.parametrize(("kind", "row", "taken"), [("pettype", "cat", "HAMSTER"),
                                                    ("specialty", "surgery", "Radiology")])
def test_a_rename_to_a_name_in_use_is_refused_at_the_field(client, dbs, rows, kind, row, taken):
    response = client.post(f"/reference/{kind}/{rows[row]}/edit", data={"kind": kind, "name": taken})
    assert response.status_code == 200
    assert f"'{taken.lower()}' exists already." in text(response)
    assert row in names(dbs, PetType if kind == "pettype" else Specialty)


def test_a_pet_type_in_use_cannot_be_removed_and_the_page_says_where(client, dbs, rows):
    page = client.get(f"/reference/pettype/{rows['cat']}/delete")
    assert "'cat' cannot be removed: 3 pets have the type 'cat'." in text(page)
    assert 'type="submit"' not in page.get_data(as_text=True).split("<main")[1]
    # Posted anyway (an old page, the API's clients): refused, saying where.
    refused = client.post(f"/reference/pettype/{rows['cat']}/delete", follow_redirects=True)
    assert "'cat' is still in use and cannot be deleted: 3 pets have the type 'cat'." in text(refused)
    assert "cat" in names(dbs, PetType)


def test_an_unused_pet_type_is_removed_after_confirming_what_goes(client, dbs, rows):
    page = text(client.get(f"/reference/pettype/{rows['hamster']}/delete"))
    assert "Remove the pet type 'hamster'?" in page
    assert "Vaccine types no longer for 'hamster': Hamster pox." in page
    assert client.post(f"/reference/pettype/{rows['hamster']}/delete").status_code == 302
    assert "hamster" not in names(dbs, PetType)


def test_a_specialty_needed_by_an_appointment_type_cannot_be_removed(client, dbs, rows):
    page = text(client.get(f"/reference/specialty/{rows['surgery']}/delete"))
    assert "'surgery' cannot be removed: 1 appointment type needs it: operation." in page
    client.post(f"/reference/specialty/{rows['surgery']}/delete")
    assert "surgery" in names(dbs, Specialty)


def test_a_specialty_held_by_vets_is_removed_from_them_after_saying_so(client, dbs, rows):
    page = text(client.get(f"/reference/specialty/{rows['dentistry']}/delete"))
    assert "Vets who lose it: James Carter." in page
    client.post(f"/reference/specialty/{rows['dentistry']}/delete")
    with dbs() as session:
        vet = session.get(Vet, rows["vet"], options=[sa.orm.selectinload(Vet.specialties)])
        assert vet.specialties == [] and "dentistry" not in names(dbs, Specialty)


def test_an_unknown_kind_or_row_is_a_404(client, rows):
    assert client.get("/reference/vaccine/1/edit").status_code == 404
    assert client.get("/reference/pettype/999999/delete").status_code == 404


# --- the commands ---------------------------------------------------------------------------


def test_flask_pettypes_rename_and_remove(runner, dbs, rows):
    result = runner.invoke(args=["pettypes", "rename", "Hamster", "Gerbil"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Renamed pet type 'hamster' to 'gerbil'."
    result = runner.invoke(args=["pettypes", "remove", "gerbil"])
    assert result.exit_code == 0 and "Removed pet type 'gerbil'." in result.output
    assert "gerbil" not in names(dbs, PetType)


@pytest.mark.parametrize(("args", "message"), [
    (["pettypes", "remove", "cat"], "3 pets have the type 'cat'."),
    (["pettypes", "rename", "cat", "hamster"], "Not renamed: 'hamster' exists already."),
    (["pettypes", "rename", "unicorn", "horse"], "There is no pet type 'unicorn'"),
    (["specialties", "remove", "surgery"], "1 appointment type needs it: operation."),
])
def test_the_commands_refuse_with_the_pages_reasons(runner, dbs, rows, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code == 1 and message in result.output
    assert {"cat", "hamster"} <= names(dbs, PetType) and "surgery" in names(dbs, Specialty)


@pytest.mark.committing
def test_two_admins_renaming_two_types_to_one_name_at_once_leave_one_and_no_error(committing):
    app = committing
    with app.app_context():
        ids = [f.pet_type(db.session, name).id for name in ("cat", "dog", "bird", "snake")]
        db.session.commit()
        db.session.remove()
    results = post_at_once([
        (signed_in(app, "admin"), f"/reference/pettype/{type_id}/edit",
         {"kind": "pettype", "name": "pet"}) for type_id in ids
    ])
    assert sorted(code for code, _ in results) == [200, 200, 200, 302]
    assert all("&#39;pet&#39; exists already." in body for code, body in results if code == 200)
    with app.app_context():
        assert db.session.scalar(
            sa.select(sa.func.count()).select_from(PetType).where(PetType.name == "pet")) == 1
