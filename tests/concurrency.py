"""Fire requests at the same instant from several threads, each with its own client."""

import threading


def post_at_once(posts):
    """POST every (client, url, form data) together; (status, body) of each, in any order."""
    start = threading.Barrier(len(posts))
    results = []

    def send(client, url, data):
        start.wait()  # all threads release together, so the requests really race
        response = client.post(url, data=data)
        results.append((response.status_code, response.get_data(as_text=True)))

    threads = [threading.Thread(target=send, args=post) for post in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == len(posts), "a racing request did not finish within a minute"
    return results
