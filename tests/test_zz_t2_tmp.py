import re
from tests.test_schedule import clinic  # noqa: F401


def test_show(client, clinic):
    for q in (f"vet_id={clinic['carter']}&date={clinic['day'].isoformat()}&start_time=15:30&duration_minutes=30",
              "", "duration_minutes=1", f"vet_id={clinic['carter']}"):
        page = client.get(f"/appointments/new?{q}").get_data(as_text=True)
        print(repr(re.search(r'<p id="slot">.*?</p>', page, re.S).group(0)))
    for lang in ("en", "de"):
        page = client.get(f"/schedule?date={clinic['day'].isoformat()}&pet={clinic['leo']}", headers={"Accept-Language": lang}).get_data(as_text=True)
        print(page[page.find('<div class="schedule-head'):][:2500])
        i = page.find('slot-free')
        print(page[i-50:i+400])
