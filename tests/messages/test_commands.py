"""`flask messages send/list/retry/cancel`: output, and clear refusals with non-zero exits."""

from datetime import timedelta

import sqlalchemy as sa

from app.models import Message, MessageStatus
from app.models.columns import utcnow
from tests.messages.conftest import queued


def status_of(dbs, message_id):
    """The message's status and attempts now."""
    with dbs() as session:
        row = session.get(Message, message_id, populate_existing=True)
        return row.status, row.attempts


def test_send_prints_what_went_each_way(runner, dbs, mail_settings, smtp_server):
    queued(dbs)
    queued(dbs)
    result = runner.invoke(args=["messages", "send", "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert result.output == "1 sent, 0 to retry, 0 failed, 0 withheld.\n"
    smtp_server.stop()
    result = runner.invoke(args=["messages", "send"])
    assert result.exit_code == 0
    assert result.output.startswith("0 sent, 1 to retry, 0 failed, 0 withheld. Stopped early: "
                                    f"mail server 127.0.0.1:{smtp_server.port} unavailable")


def test_send_with_a_limit_below_one_is_a_usage_error(runner):
    result = runner.invoke(args=["messages", "send", "--limit", "0"])
    assert result.exit_code == 2 and "--limit" in result.output


def test_list_shows_the_newest_first_and_filters_by_status(runner, dbs):
    sent = queued(dbs, MessageStatus.SENT, last_response="250 Ok",
                  created_at=utcnow() - timedelta(hours=1))
    failed = queued(dbs, MessageStatus.FAILED, last_response="550 No such user")
    lines = runner.invoke(args=["messages", "list"]).output.splitlines()
    assert lines[0].split()[:4] == ["ID", "Created", "(UTC)", "Status"]
    assert [line.split()[0] for line in lines[2:]] == [str(failed), str(sent)]
    only = runner.invoke(args=["messages", "list", "--status", "failed"]).output
    assert "550 No such user" in only and "250 Ok" not in only
    assert runner.invoke(args=["messages", "list", "--status", "pending"]).output == (
        "No pending messages.\n")
    wrong = runner.invoke(args=["messages", "list", "--status", "lost"])
    assert wrong.exit_code == 2 and "'lost' is not one of" in wrong.output


def test_retry_makes_a_failed_message_pending_with_attempts_from_zero(runner, dbs):
    message_id = queued(dbs, MessageStatus.FAILED, attempts=5)
    result = runner.invoke(args=["messages", "retry", str(message_id)])
    assert result.exit_code == 0, result.output
    assert "is pending again" in result.output
    assert status_of(dbs, message_id) == (MessageStatus.PENDING, 0)


def test_retry_refuses_a_message_that_is_not_failed(runner, dbs):
    message_id = queued(dbs, MessageStatus.SENT, attempts=1)
    result = runner.invoke(args=["messages", "retry", str(message_id)])
    assert result.exit_code == 1
    assert f"Message {message_id} is sent, not failed: nothing was changed." in result.output
    assert status_of(dbs, message_id) == (MessageStatus.SENT, 1)


def test_cancel_withdraws_a_pending_message_and_says_who(runner, dbs):
    message_id = queued(dbs)
    result = runner.invoke(args=["messages", "cancel", str(message_id)])
    assert result.exit_code == 0, result.output
    with dbs() as session:
        row = session.get(Message, message_id, populate_existing=True)
        assert row.status is MessageStatus.CANCELLED
        assert row.last_response.startswith("Cancelled by cli:")


def test_cancel_refuses_a_message_being_sent_and_one_already_gone(runner, dbs):
    being_sent = queued(dbs, claimed_by="host:1", claimed_until=utcnow() + timedelta(minutes=1))
    result = runner.invoke(args=["messages", "cancel", str(being_sent)])
    assert result.exit_code == 1 and "is being sent just now" in result.output
    cancelled = queued(dbs, MessageStatus.CANCELLED)
    result = runner.invoke(args=["messages", "cancel", str(cancelled)])
    assert result.exit_code == 1 and "is cancelled, not pending" in result.output


def test_retry_and_cancel_of_a_message_that_does_not_exist_fail_clearly(runner, dbs):
    with dbs() as session:
        missing = (session.scalar(sa.select(sa.func.max(Message.id))) or 0) + 1
    for command in ("retry", "cancel"):
        result = runner.invoke(args=["messages", command, str(missing)])
        assert result.exit_code == 1
        assert f"There is no message {missing}." in result.output
        for bad in ("0", "abc", str(2**63)):
            assert runner.invoke(args=["messages", command, bad]).exit_code == 2
