"""check-in goal ratings

At each staff check-in the coordinator rates each of the match's goals (not started, some
progress, achieved); a rating keeps the goal's wording as rated, since goals can be edited later.

Revision ID: 7d3f1a2b9c40
Revises: 5c1e2a9d7b30
Create Date: 2026-12-02 01:44:14.544810

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d3f1a2b9c40'
down_revision = '5c1e2a9d7b30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('check_in_goal_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('check_in_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('goal', sa.Text(), nullable=False),
    sa.Column('progress', sa.Enum('not_started', 'some_progress', 'achieved', name='goalprogress', native_enum=False, length=17), nullable=False),
    sa.ForeignKeyConstraint(['check_in_id'], ['staff_check_ins.id'], name=op.f('fk_check_in_goal_ratings_check_in_id_staff_check_ins')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_in_goal_ratings')),
    sa.UniqueConstraint('check_in_id', 'position', name=op.f('uq_check_in_goal_ratings_check_in_id_position'))
    )


def downgrade():
    op.drop_table('check_in_goal_ratings')
