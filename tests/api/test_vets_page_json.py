"""The vets page as JSON (Spring PetClinic's /vets) shows a vet as the API does."""

from tests import factories


def test_the_vets_page_json_is_the_apis_vet_plus_its_specialty_count(api, client, dbs):
    with dbs() as session:
        vet = factories.vet(session, last_name="Douglas", specialties=["surgery", "dentistry"])
        session.commit()
    page = client.get("/vets", headers={"Accept": "application/json"}).get_json()
    shown = next(v for v in page["vetList"] if v["id"] == vet.id)
    assert shown == {**api().get(f"/vets/{vet.id}").get_json(), "nrOfSpecialties": 2}
