"""attendance batches

Batches of attendance marks sent from a device (the offline attendance page or the API), kept
by their client-made id so that a batch sent again is applied once.

Revision ID: a0c6d4e5f273
Revises: 9f5b3c4d1e62
Create Date: 2026-12-02 06:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a0c6d4e5f273'
down_revision = '9f5b3c4d1e62'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attendance_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.String(length=64), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('applied', sa.Integer(), nullable=False),
    sa.Column('kept', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_attendance_batches_user_id_users')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_attendance_batches_workshop_id_workshops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_batches')),
    sa.UniqueConstraint('batch_id', name=op.f('uq_attendance_batches_batch_id'))
    )
    with op.batch_alter_table('attendance_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_batches_workshop_id'), ['workshop_id'], unique=False)


def downgrade():
    with op.batch_alter_table('attendance_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_batches_workshop_id'))

    op.drop_table('attendance_batches')
