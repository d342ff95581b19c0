"""The 24-hour workshop reminder: to the speakers and the venue's contacts, once, with the .ics
event attached. Real SMTP server on loopback, real jobs, icalendar reading the file back."""
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from tests.mail_fixtures import PUBLIC_BASE_URL, minutes_due
from youthagainstguns.auth.models import Role
from youthagainstguns.auth.notifications import set_opt_outs
from youthagainstguns.mail_models import MailKind, MailStatus, OutboxAttachment, OutboxMessage
from youthagainstguns.timeutil import to_lima, utcnow
from youthagainstguns.workshops import reminders
from youthagainstguns.workshops.models import Workshop, WorkshopStatus


def _upcoming(make, db, hours: float = 6, created_ago=timedelta(hours=2), **fields) -> Workshop:
    """Return a workshop starting in `hours` (on the minute), lasting 2 h, saved `created_ago`."""
    workshop = make.workshop(**fields)
    start = utcnow().replace(second=0, microsecond=0) + timedelta(hours=hours)
    workshop.starts_at, workshop.ends_at = start, start + timedelta(hours=2)
    workshop.created_at = utcnow() - created_ago
    db.session.commit()
    return workshop


def _event(message):
    """Return the one VEVENT of the message's one .ics attachment."""
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename().endswith(".ics")
    (event,) = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    return event


def _parts(message) -> dict[str, str]:
    return {"subject": message["Subject"],
            "text": message.get_body(("plain",)).get_content(),
            "html": message.get_body(("html",)).get_content()}


def _run(run_jobs) -> int:
    """Run the periodic job as the worker does, then the sends it queued; return mails queued."""
    queued = reminders.send_reminders.func()
    run_jobs.run_all()
    return queued


@pytest.fixture
def world(make, db):
    """A venue with contacts of every kind, two speakers with accounts and one without."""
    school = make.school(name="I.E. José Olaya", address="Jr. Las Lomas 120",
                         district="Comas")
    people = {
        "contact": make.user(Role.SCHOOL, school_id=school.id, email="direccion@example.org"),
        "contact_en": make.user(Role.SCHOOL, school_id=school.id, email="tutor@example.org",
                                locale="en"),
        "refuses": make.user(Role.SCHOOL, school_id=school.id, email="no@example.org"),
        "gone": make.user(Role.SCHOOL, school_id=school.id, email="ex@example.org",
                          active=False),
        "elsewhere": make.user(Role.SCHOOL, email="otra.escuela@example.org"),
        "speaker_user": make.user(Role.SPEAKER, email="ponente@example.org", locale="en"),
        "gone_speaker": make.user(Role.SPEAKER, email="ex.ponente@example.org", active=False),
        "coord": make.user(Role.COORDINATOR, email="coord@example.org"),
    }
    speakers = [make.speaker(alias="El Flaco", legal_name="Juan Pérez Quispe",
                             user=people["speaker_user"]),
                make.speaker(alias="Tía Rosa", legal_name="Rosa Mamani Cruz",
                             user=people["gone_speaker"]),
                make.speaker(alias="Chino", legal_name="Luis Chang Vega")]
    set_opt_outs(people["refuses"], [MailKind.WORKSHOP_REMINDER])
    db.session.commit()
    return school, speakers, people


def test_the_reminder_reaches_speakers_and_contacts_once_with_the_calendar_event(
        app, client, auth, make, db, smtp, run_jobs, world):
    """Six hours ahead, do the active speaker and the venue's active contacts who want it get
    one mail each in their language, with time in Lima, venue, aliases only, a link that opens
    for them, an .ics event at the workshop's time, and no student's or legal name?"""
    school, speakers, people = world
    workshop = _upcoming(make, db, venue=school, speakers=speakers,
                         title="Decisiones que salvan vidas")
    students = [entry.student for entry in make.roster(workshop, count=3)]

    assert _run(run_jobs) == 3
    received = {message["To"]: message for message in smtp.messages}
    assert set(received) == {"direccion@example.org", "tutor@example.org",
                             "ponente@example.org"}

    when = to_lima(workshop.starts_at).strftime("%d/%m/%Y %H:%M")
    ends = to_lima(workshop.ends_at).strftime("%H:%M")
    english = _parts(received["tutor@example.org"])
    assert english["subject"] == f"Reminder: Decisiones que salvan vidas on {when}"
    assert f"When (Lima time): {when}–{ends}" in english["text"]
    assert "Venue: I.E. José Olaya, Jr. Las Lomas 120, Comas" in english["text"]
    assert "Speakers: Chino, El Flaco, Tía Rosa" in english["text"]
    spanish = _parts(received["direccion@example.org"])
    assert received["direccion@example.org"]["Content-Language"] == "es"
    assert f"Cuándo (hora de Lima): {when}–{ends}" in spanish["text"]
    assert "Sede: I.E. José Olaya" in spanish["text"]

    links = {"direccion@example.org": f"{PUBLIC_BASE_URL}/workshops/{workshop.id}",
             "tutor@example.org": f"{PUBLIC_BASE_URL}/workshops/{workshop.id}",
             "ponente@example.org": f"{PUBLIC_BASE_URL}/workshops/my-schedule"}
    forbidden = ["Juan Pérez", "Quispe", "Mamani", "Chang Vega"]
    forbidden += [word for s in students for word in (s.first_name, s.last_names)]
    for address, message in received.items():
        parts = _parts(message)
        assert links[address] in parts["text"].split()
        assert f'href="{links[address]}"' in parts["html"]
        for part, body in parts.items():
            for word in forbidden:
                assert word not in body, (address, part, word)
        event = _event(message)
        assert event.decoded("dtstart").astimezone(UTC) == workshop.starts_at
        assert event.decoded("dtend").astimezone(UTC) == workshop.ends_at
        assert str(event["summary"]) == "Decisiones que salvan vidas"
        assert str(event["uid"]) == f"workshop-{workshop.id}@youthagainstguns"
        for word in forbidden:
            assert word not in event.to_ical().decode(), (address, "ics", word)
    assert "Speakers: Chino" in str(_event(received["tutor@example.org"])["description"])
    assert "Ponentes: Chino" in str(_event(received["direccion@example.org"])["description"])

    for user, link in ((people["contact"], links["direccion@example.org"]),
                       (people["speaker_user"], links["ponente@example.org"])):
        auth.login(user.email)
        page = client.get(link.removeprefix(PUBLIC_BASE_URL))
        assert page.status_code == 200 and "Decisiones que salvan vidas" in page.get_data(
            as_text=True)
        auth.logout()


def test_running_the_job_again_or_overlapping_sends_nothing_more(make, db, smtp, run_jobs,
                                                                  world):
    """Does a second run, or a run that read the workshop before another run claimed it,
    queue no second reminder?"""
    school, speakers, _people = world
    workshop = _upcoming(make, db, venue=school, speakers=speakers)
    stale = reminders.due_workshops(utcnow())  # an overlapping run read the list first...
    assert [w.id for w in stale] == [workshop.id]
    assert _run(run_jobs) == 3  # ...then this run reminded it
    assert reminders.remind(stale[0]) == 0  # and the slower run finds it claimed
    db.session.commit()
    assert _run(run_jobs) == 0
    assert len(smtp.messages) == 3
    db.session.expire_all()
    assert db.session.get(Workshop, workshop.id).reminder_sent_for == workshop.starts_at


def test_runs_racing_each_other_remind_a_workshop_once(app, make, db, smtp, run_jobs, world):
    """With four job runs started at the same instant, is each person mailed exactly once?"""
    school, speakers, _people = world
    _upcoming(make, db, venue=school, speakers=speakers)
    results, start = [], threading.Barrier(4)

    def run():
        with app.app_context():
            start.wait()
            results.append(reminders.send_reminders.func())
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 0, 0, 3]
    run_jobs.run_all()
    assert sorted(m["To"] for m in smtp.messages) == [
        "direccion@example.org", "ponente@example.org", "tutor@example.org"]


def test_a_rescheduled_workshop_is_reminded_of_its_new_time(make, db, smtp, run_jobs, world):
    """After its reminder, is a workshop moved 3 h later reminded again, with the new time in
    the mail and the event; and one moved 2 days ahead not until it is 24 h away again?"""
    school, speakers, _people = world
    workshop = _upcoming(make, db, venue=school, speakers=speakers)
    assert _run(run_jobs) == 3
    smtp.messages.clear()

    workshop.starts_at += timedelta(hours=3)
    workshop.ends_at += timedelta(hours=3)
    db.session.commit()
    assert _run(run_jobs) == 3
    when = to_lima(workshop.starts_at).strftime("%d/%m/%Y %H:%M")
    for message in smtp.messages:
        assert when in message["Subject"]
        assert _event(message).decoded("dtstart").astimezone(UTC) == workshop.starts_at
    smtp.messages.clear()

    workshop.starts_at += timedelta(days=2)
    workshop.ends_at += timedelta(days=2)
    db.session.commit()
    assert _run(run_jobs) == 0
    assert reminders.due_workshops(workshop.starts_at - timedelta(hours=23)) == [workshop]


@pytest.mark.parametrize(("case", "fields"), [
    # Cancelled: nobody is expected there.
    ("cancelled", {"status": WorkshopStatus.CANCELLED, "cancel_reason": "Paro de transporte"}),
    # A draft is not confirmed with the school yet.
    ("draft", {"status": WorkshopStatus.DRAFT}),
    # More than 24 hours away: too early.
    ("next week", {"hours": 24 * 7}),
    # Already started: too late.
    ("started", {"hours": -0.5}),
    # Saved a minute ago: the coordinator may still be correcting it.
    ("just saved", {"created_ago": timedelta(minutes=1)}),
])
def test_no_reminder_for_a_workshop_that_is_not_due(make, db, smtp, run_jobs, world, case,
                                                    fields):
    """Is a cancelled, draft, distant, started or just-saved workshop left alone?"""
    school, speakers, _people = world
    _upcoming(make, db, venue=school, speakers=speakers, **fields)
    assert _run(run_jobs) == 0, case
    assert smtp.messages == []


def test_a_workshop_set_three_hours_ahead_is_reminded_once_the_grace_has_passed(
        make, db, smtp, run_jobs, world):
    """Is a workshop created 3 h before it starts reminded at the first run after the grace
    period, and only once?"""
    school, speakers, _people = world
    workshop = _upcoming(make, db, hours=3, created_ago=timedelta(0), venue=school,
                         speakers=speakers)
    assert _run(run_jobs) == 0
    later = utcnow() + reminders.GRACE + timedelta(minutes=1)
    assert reminders.due_workshops(later) == [workshop]
    assert reminders.send_reminders.func(later) == 3
    assert reminders.send_reminders.func(later) == 0


def test_the_attachment_survives_a_failed_first_send_and_is_erased_once_sent(
        make, db, smtp, run_jobs, world):
    """With the SMTP server down for the first attempt, does the retried mail still carry its
    .ics event, and is the stored file gone once the mail is sent?"""
    school, speakers, people = world
    workshop = _upcoming(make, db, venue=school, speakers=speakers)
    set_opt_outs(people["contact_en"], [MailKind.WORKSHOP_REMINDER])
    set_opt_outs(people["speaker_user"], [MailKind.WORKSHOP_REMINDER])
    db.session.commit()
    assert reminders.send_reminders.func() == 1

    smtp.down()
    assert run_jobs.run_next()
    row = db.session.scalar(sa.select(OutboxMessage))
    assert (row.status, row.attempts) == (MailStatus.QUEUED, 1)
    assert [a.filename for a in row.attachments] == [f"taller-{workshop.id}.ics"]

    smtp.up()
    assert run_jobs.run_all() == 1
    message = smtp.only()
    assert message["To"] == "direccion@example.org"
    assert _event(message).decoded("dtstart").astimezone(UTC) == workshop.starts_at
    db.session.expire_all()
    assert db.session.scalar(sa.select(OutboxMessage)).status == MailStatus.SENT
    assert db.session.scalars(sa.select(OutboxAttachment)).all() == []


def test_the_outbox_page_counts_a_waiting_message_attachments(client, login_as, make, db,
                                                              run_jobs, world):
    """Does staff's outbox page say that a queued reminder carries one attachment?"""
    school, speakers, _people = world
    _upcoming(make, db, venue=school, speakers=speakers)
    assert reminders.send_reminders.func() == 3
    login_as(Role.COORDINATOR, locale="en")
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert page.count("1 attachment") == 3


def test_the_reminders_run_every_quarter_hour(app):
    """Does the worker start the reminder job every 15 minutes, all day?"""
    due = minutes_due(app, "workshops.reminders", datetime(2026, 12, 2))
    assert len(due) == 96 and {m.minute for m in due} == {0, 15, 30, 45}
