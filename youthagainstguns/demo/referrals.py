"""Build the referrals side of the demo: partner organisations, referrals at several stages
(one with its follow-up overdue) and the guardians' consent to share data with a partner."""
from ..extensions import db
from ..mentoring.models import ConsentMethod, Mentee
from ..referrals.enums import ReferralStatus, ServiceKind
from ..referrals.models import Partner, Referral, ReferralFollowUp, SharingConsent

# name, services, districts, contact person, phone, e-mail (all invented).
PARTNERS = (
    ("Guns to Goods Lima", (ServiceKind.EMPLOYMENT, ServiceKind.EDUCATION),
     ("San Juan de Lurigancho", "Comas", "Callao"), "Marta Salas Quispe", "014567890",
     "contacto@gunstogoods.example.org"),
    ("Centro de Escucha Juvenil", (ServiceKind.PSYCHOLOGICAL, ServiceKind.FAMILY),
     ("San Juan de Lurigancho", "Ate", "El Agustino"), "Jorge Paredes", "987111222",
     "escucha@cej.example.org"),
    ("Defensoría Joven", (ServiceKind.LEGAL,), ("Cercado de Lima", "La Victoria", "Rímac"),
     "Ana Lucía Vera", "016543210", ""),
    ("Posta Amiga", (ServiceKind.HEALTH,), ("Comas", "Independencia"), "Luis Ñique",
     "955333444", "posta@amiga.example.org"),
)


class ReferralsDemo:
    """Four partners and referrals of three mentees, with a consent for two of them."""

    def __init__(self, mentoring):
        self.day = mentoring.day
        self.by_id = mentoring.by_id
        self.mentees: list[Mentee] = mentoring.mentees

    def build(self) -> None:
        """Create the partners, then the referrals, follow-ups and consents."""
        partners = []
        for name, kinds, districts, contact, phone, email in PARTNERS:
            partner = Partner(name=name, contact_person=contact, phone=phone, email=email)
            partner.set_services(list(kinds), list(districts))
            partners.append(partner)
        partners[3].active = False
        db.session.add_all(partners)
        e = self.mentees
        jobs = self._referral(e[0], partners[0], ServiceKind.EMPLOYMENT,
                              "Quiere formarse en carpintería y conseguir un primer empleo.", -40,
                              sent=-38, accepted=-30, started=-25)
        self._follow_up(jobs, -10, "La institución confirma que asiste dos veces por semana.")
        self._consent(e[0], partners[0], -41)
        self._referral(e[2], partners[1], ServiceKind.PSYCHOLOGICAL,
                       "Necesita apoyo para manejar la ansiedad después de un robo.", -25,
                       sent=-20)  # no follow-up since: overdue on the board
        self._consent(e[2], partners[1], -26)
        self._referral(e[3], partners[2], ServiceKind.LEGAL,
                       "La familia necesita orientación sobre un trámite de identidad.", -2)

    def _referral(self, mentee, partner, kind, reason, on, sent=None, accepted=None,
                  started=None) -> Referral:
        status = (ReferralStatus.IN_PROGRESS if started is not None else ReferralStatus.ACCEPTED
                  if accepted is not None else ReferralStatus.SENT if sent is not None
                  else ReferralStatus.PROPOSED)
        referral = Referral(mentee=mentee, partner=partner, service_kind=kind, reason=reason,
                            referred_on=self.day(on), proposed_by_id=self.by_id, status=status,
                            sent_on=self._on(sent), accepted_on=self._on(accepted),
                            started_on=self._on(started))
        db.session.add(referral)
        return referral

    def _on(self, offset):
        return None if offset is None else self.day(offset)

    def _follow_up(self, referral, on, notes) -> None:
        db.session.add(ReferralFollowUp(referral=referral, held_on=self.day(on), notes=notes,
                                        by_id=self.by_id))

    def _consent(self, mentee, partner, on) -> None:
        db.session.add(SharingConsent(mentee=mentee, partner=partner, given_by=mentee.guardian_name,
                                      relation=mentee.guardian_relation, given_on=self.day(on),
                                      method=ConsentMethod.PAPER, recorded_by_id=self.by_id))
