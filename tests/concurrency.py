"""Fire requests at the same instant from several threads, each with its own client."""

import threading


def run_at_once(send, count, timeout=120):
    """Call ``send(i)`` for each i < count from threads released together; results in order."""
    start = threading.Barrier(count)
    results = [None] * count

    def run(i):
        start.wait()  # all threads release together, so the calls really race
        results[i] = send(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert None not in results, f"a racing call did not finish within {timeout} s"
    return results


def post_at_once(posts, follow_redirects=False):
    """POST every (client, url, form data) together; (status, body) of each, in order."""

    def send(i):
        client, url, data = posts[i]
        response = client.post(url, data=data, follow_redirects=follow_redirects)
        return response.status_code, response.get_data(as_text=True)

    return run_at_once(send, len(posts))
