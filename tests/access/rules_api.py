"""Access rules for the JSON API and its token pages: the API's routes answer each role what
the area's pages do (session logins here; tokens in tests/test_api_access.py), anonymous
callers get a 401 problem instead of the login page; staff hand out tokens."""
from youthagainstguns.api import tokens
from youthagainstguns.api.models import Scope
from youthagainstguns.auth.models import Role

from . import PUBLIC, STAFF, STAFF_ONLY, Allowed, Foreign

READERS = Allowed.of(STAFF, "school", "speaker")
SCHOOL_AND_STAFF = Allowed.of(STAFF, "school")

RULES = {
    "api_pages.openapi_json": PUBLIC,  # describes the API, holds no data
    "api_pages.docs": PUBLIC,
    "api_pages.user_tokens": STAFF_ONLY,  # of an account they may manage (User.can_manage)
    "api_pages.create_token": STAFF_ONLY,
    "api_pages.revoke_token": STAFF_ONLY,
    "api.schools": SCHOOL_AND_STAFF,  # a school contact: their own school only
    "api.school": SCHOOL_AND_STAFF,
    "api.speakers": STAFF_ONLY,  # by alias, as staff's speaker list
    "api.speaker": STAFF_ONLY,
    "api.workshops": READERS,  # a speaker: their own confirmed workshops
    "api.workshop": READERS,
    "api.roster": SCHOOL_AND_STAFF,  # speakers see no students
    # The session posts without the X-CSRFToken header here: 400 for those allowed.
    "api.attendance_batch": SCHOOL_AND_STAFF,
    "api.workshop_certificates": SCHOOL_AND_STAFF,
    "api.my_certificates": Allowed.of("speaker"),
    "api.verify": PUBLIC,  # the code is the credential, as on the verification page
    "api.figures": STAFF_ONLY,  # without a period: 422 for staff
    "api.unknown_address": PUBLIC,  # a 404 problem for every caller
}

OTHER_SCHOOLS_WORKSHOP = Foreign("another school's workshop, another speaker's",
                                 {"workshop_id": "other_workshop_id"})
FOREIGN = {
    "api.school": (Foreign("another school", {"school_id": "other_school_id"}),),
    "api.workshop": (OTHER_SCHOOLS_WORKSHOP,),
    "api.roster": (OTHER_SCHOOLS_WORKSHOP,),
    "api.attendance_batch": (OTHER_SCHOOLS_WORKSHOP,),
    "api.workshop_certificates": (
        Foreign("another school's workshop", {"workshop_id": "other_documents_workshop_id"}),),
    "api.verify": (),
    "api.unknown_address": (),  # no record: an address no operation serves
}


def build(make, world: dict) -> None:
    """A token of a school contact of the world's school, for the revoke button."""
    user = make.user(Role.SCHOOL, school=world["_school"])
    token, _secret = tokens.create_token(user, "App de prueba", (Scope.READ,),
                                         by=make.user(Role.ADMIN))
    make.db.session.commit()
    world["token_id"] = token.id
    world["rest"] = "no-such-operation"
