"""referrals

Partner organisations with the services they offer and the districts they serve; mentees'
referrals to them with their dated moves and follow-ups; and the guardian's consent to share a
young person's data with one partner (a record of its own, beside guardian_consents).

Revision ID: 9f5b3c4d1e62
Revises: 8e4a2b3c0d51
Create Date: 2026-12-02 02:22:23.283678

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9f5b3c4d1e62'
down_revision = '8e4a2b3c0d51'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('contact_person', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partners'))
    )
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partners_active'), ['active'], unique=False)

    op.create_table('partner_districts',
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('district', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_partner_districts_partner_id_partners')),
    sa.PrimaryKeyConstraint('partner_id', 'district', name=op.f('pk_partner_districts'))
    )
    with op.batch_alter_table('partner_districts', schema=None) as batch_op:
        batch_op.create_index('ix_partner_districts_district', ['district', 'partner_id'], unique=False)

    op.create_table('partner_services',
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('education', 'employment', 'psychological', 'legal', 'health', 'family', 'other', name='servicekind', native_enum=False, length=17), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_partner_services_partner_id_partners')),
    sa.PrimaryKeyConstraint('partner_id', 'kind', name=op.f('pk_partner_services'))
    )
    with op.batch_alter_table('partner_services', schema=None) as batch_op:
        batch_op.create_index('ix_partner_services_kind', ['kind', 'partner_id'], unique=False)

    op.create_table('referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentee_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('service_kind', sa.Enum('education', 'employment', 'psychological', 'legal', 'health', 'family', 'other', name='servicekind', native_enum=False, length=17), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('proposed', 'sent', 'accepted', 'in_progress', 'completed', 'declined', 'did_not_attend', 'withdrawn', name='referralstatus', native_enum=False, length=18), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=True),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['mentee_id'], ['mentees.id'], name=op.f('fk_referrals_mentee_id_mentees')),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_referrals_partner_id_partners')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_referrals_proposed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrals_mentee_id'), ['mentee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_status'), ['status'], unique=False)

    op.create_table('sharing_consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentee_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('given_by', sa.String(length=120), nullable=False),
    sa.Column('relation', sa.String(length=60), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('method', sa.Enum('paper', 'in_person', name='consentmethod', native_enum=False, length=13), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('withdrawn_reason', sa.String(length=300), nullable=True),
    sa.Column('withdrawn_recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['mentee_id'], ['mentees.id'], name=op.f('fk_sharing_consents_mentee_id_mentees')),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_sharing_consents_partner_id_partners')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_sharing_consents_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['withdrawn_recorded_by_id'], ['users.id'], name=op.f('fk_sharing_consents_withdrawn_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sharing_consents'))
    )
    with op.batch_alter_table('sharing_consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sharing_consents_mentee_id'), ['mentee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sharing_consents_partner_id'), ['partner_id'], unique=False)

    op.create_table('referral_follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_referral_follow_ups_by_id_users')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_referral_follow_ups_referral_id_referrals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_follow_ups'))
    )
    with op.batch_alter_table('referral_follow_ups', schema=None) as batch_op:
        batch_op.create_index('ix_referral_follow_ups_referral_id_held_on', ['referral_id', 'held_on'], unique=False)



def downgrade():
    with op.batch_alter_table('referral_follow_ups', schema=None) as batch_op:
        batch_op.drop_index('ix_referral_follow_ups_referral_id_held_on')

    op.drop_table('referral_follow_ups')
    with op.batch_alter_table('sharing_consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sharing_consents_partner_id'))
        batch_op.drop_index(batch_op.f('ix_sharing_consents_mentee_id'))

    op.drop_table('sharing_consents')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrals_status'))
        batch_op.drop_index(batch_op.f('ix_referrals_partner_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_mentee_id'))

    op.drop_table('referrals')
    with op.batch_alter_table('partner_services', schema=None) as batch_op:
        batch_op.drop_index('ix_partner_services_kind')

    op.drop_table('partner_services')
    with op.batch_alter_table('partner_districts', schema=None) as batch_op:
        batch_op.drop_index('ix_partner_districts_district')

    op.drop_table('partner_districts')
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partners_active'))

    op.drop_table('partners')
