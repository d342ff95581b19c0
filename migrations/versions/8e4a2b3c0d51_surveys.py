"""surveys

Questionnaires with versioned items, the surveys attached to a workshop before and after it,
and their anonymous responses (a self-generated code, the day only) and answers. Workshops get
`guardians_informed`: existing workshops start without it, so their survey links stay closed
until a coordinator records it.

Revision ID: 8e4a2b3c0d51
Revises: 7d3f1a2b9c40
Create Date: 2026-12-02 01:49:37.547567

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8e4a2b3c0d51'
down_revision = '7d3f1a2b9c40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('questionnaires',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_questionnaires_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaires'))
    )
    op.create_table('questionnaire_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaires.id'], name=op.f('fk_questionnaire_versions_questionnaire_id_questionnaires'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_versions')),
    sa.UniqueConstraint('questionnaire_id', 'number', name=op.f('uq_questionnaire_versions_questionnaire_id_number'))
    )
    op.create_table('survey_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('scale', 'yes_no', 'text', name='itemkind', native_enum=False, length=10), nullable=False),
    sa.Column('text_es', sa.String(length=300), nullable=False),
    sa.Column('text_en', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['questionnaire_versions.id'], name=op.f('fk_survey_items_version_id_questionnaire_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_items'))
    )
    with op.batch_alter_table('survey_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_items_version_id'), ['version_id'], unique=False)
        batch_op.create_index('uq_survey_items_one_text', ['version_id'], unique=True, sqlite_where=sa.text("kind = 'text'"), postgresql_where=sa.text("kind = 'text'"))

    op.create_table('workshop_surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.Enum('before', 'after', name='surveyphase', native_enum=False, length=10), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=16), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_workshop_surveys_created_by_id_users')),
    sa.ForeignKeyConstraint(['version_id'], ['questionnaire_versions.id'], name=op.f('fk_workshop_surveys_version_id_questionnaire_versions')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_workshop_surveys_workshop_id_workshops')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_surveys')),
    sa.UniqueConstraint('token', name=op.f('uq_workshop_surveys_token')),
    sa.UniqueConstraint('workshop_id', 'phase', name=op.f('uq_workshop_surveys_workshop_id_phase'))
    )
    with op.batch_alter_table('workshop_surveys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_surveys_version_id'), ['version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workshop_surveys_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('survey_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=False),
    sa.Column('source', sa.Enum('web', 'paper', name='responsesource', native_enum=False, length=9), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['workshop_surveys.id'], name=op.f('fk_survey_responses_survey_id_workshop_surveys')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses'))
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index('ix_survey_responses_survey_id_code', ['survey_id', 'code'], unique=False)

    op.create_table('survey_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.CheckConstraint('(value IS NULL) <> (text IS NULL)', name=op.f('ck_survey_answers_one_value')),
    sa.ForeignKeyConstraint(['item_id'], ['survey_items.id'], name=op.f('fk_survey_answers_item_id_survey_items')),
    sa.ForeignKeyConstraint(['response_id'], ['survey_responses.id'], name=op.f('fk_survey_answers_response_id_survey_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answers')),
    sa.UniqueConstraint('response_id', 'item_id', name=op.f('uq_survey_answers_response_id_item_id'))
    )
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_answers_item_id'), ['item_id'], unique=False)

    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guardians_informed', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))



def downgrade():
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.drop_column('guardians_informed')

    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_answers_item_id'))

    op.drop_table('survey_answers')
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_responses_survey_id_code')

    op.drop_table('survey_responses')
    with op.batch_alter_table('workshop_surveys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_surveys_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_workshop_surveys_version_id'))

    op.drop_table('workshop_surveys')
    with op.batch_alter_table('survey_items', schema=None) as batch_op:
        batch_op.drop_index('uq_survey_items_one_text', sqlite_where=sa.text("kind = 'text'"), postgresql_where=sa.text("kind = 'text'"))
        batch_op.drop_index(batch_op.f('ix_survey_items_version_id'))

    op.drop_table('survey_items')
    op.drop_table('questionnaire_versions')
    op.drop_table('questionnaires')
