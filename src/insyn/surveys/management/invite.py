"""`insyn survey invite`: the invitation a case worker makes on the occasion page, or a
round's batch of links, from the command line (the system acts: actor None, audited as such).

Through the same services as the web, so the same rules hold (an expected response, a valid
address, reminders only with an address, at most 120 days). A handed-over link is printed
once, like on the page; `--qr FILE` also writes its QR code as SVG.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import segno
from django.core.management.base import CommandError, CommandParser

from insyn.followup.models import Occasion
from insyn.surveys.models import Invitation, Response, SurveyRound
from insyn.surveys.services import invitations as services
from insyn.surveys.services.responses import expected_responses_ensure

CHANNELS = [c.value for c in Invitation.Channel]


def add_invite_parser(sub: Any) -> None:
    invite: CommandParser = sub.add_parser(
        "invite",
        help="Invite the respondent of an occasion (or a round's respondents); "
        "prints a handed-over link once.",
    )
    target = invite.add_mutually_exclusive_group(required=True)
    target.add_argument("--occasion", type=int, help="The follow-up occasion's id.")
    target.add_argument("--round", type=int, help="The survey round's id.")
    invite.add_argument(
        "--role",
        default="",
        help="Respondent role (client, guardian, …); needed when the "
        "occasion expects more than one response.",
    )
    invite.add_argument("--channel", default="handed", choices=CHANNELS)
    invite.add_argument(
        "--contact",
        action="append",
        default=[],
        help="E-mail address or mobile number (repeat for a round).",
    )
    invite.add_argument("--count", type=int, default=1, help="Links to hand out (a round).")
    invite.add_argument("--days", type=int, default=30, help="Days the link works (occasion).")
    invite.add_argument("--language", default="sv", help="sv or en.")
    invite.add_argument(
        "--reminder",
        type=int,
        action="append",
        default=[],
        help="Days after the invitation to remind (e-mail/SMS; repeatable).",
    )
    invite.add_argument("--qr", help="Write the handed-over link's QR code to this SVG file.")


def _response(occasion_id: int, role: str) -> Response:
    occasion = Occasion.objects.filter(pk=occasion_id).first()
    if occasion is None:
        raise CommandError(f"no occasion {occasion_id}")
    expected_responses_ensure(actor=None, occasion=occasion)
    expected = list(occasion.survey_responses.filter(status=Response.Status.EXPECTED))
    roles = sorted(r.respondent_role for r in expected)
    if not expected:
        raise CommandError(f"occasion {occasion_id} expects no response")
    chosen = [r for r in expected if r.respondent_role == role] if role else expected
    if len(chosen) != 1:
        raise CommandError(
            f"give --role: occasion {occasion_id} expects {', '.join(roles)}"
            if not role or not chosen
            else f"more than one expected response for {role}"
        )
    return chosen[0]


def run_invite(options: dict[str, Any], write: Any) -> None:
    """Create the invitation(s) and print what a person must see: the links handed over."""
    channel = options["channel"]
    reminders = options["reminder"] or None
    if options["occasion"] is not None:
        contacts = options["contact"]
        if len(contacts) > 1:
            raise CommandError("an occasion's invitation has one --contact")
        _invitation, token = services.invitation_create(
            actor=None,
            response=_response(options["occasion"], options["role"]),
            channel=channel,
            contact=contacts[0] if contacts else "",
            expires_in_days=options["days"],
            language=options["language"],
            reminder_days=reminders,
        )
        tokens = [token] if token else []
        issued = 1
    else:
        survey_round = SurveyRound.objects.filter(pk=options["round"]).first()
        if survey_round is None:
            raise CommandError(f"no survey round {options['round']}")
        pairs = services.round_invite(
            actor=None,
            survey_round=survey_round,
            channel=channel,
            contacts=options["contact"],
            count=options["count"],
            language=options["language"],
            reminder_days=reminders,
        )
        tokens = [token for _inv, token in pairs if token]
        issued = len(pairs)
    if options.get("qr"):
        if len(tokens) != 1:
            raise CommandError("--qr writes one handed-over link; this made " + str(len(tokens)))
        segno.make(services.link_for(tokens[0]), error="m").save(options["qr"], kind="svg")
    for token in tokens:
        write(services.link_for(token))
    if tokens:
        write(f"{len(tokens)} link(s) to hand over: shown only now, never stored.")
        if options.get("qr"):
            write(f"QR code written to {Path(options['qr'])}")
    else:
        write(f"{issued} invitation(s) scheduled ({channel}).")
