"""certificates by kind and issue date

The program report and the dashboards count the student certificates issued in a period; the
index lets them read that period's entries instead of every certificate.

Revision ID: 5c1e2a9d7b30
Revises: 04178315d4e4
Create Date: 2026-12-01 23:45:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5c1e2a9d7b30'
down_revision = '04178315d4e4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index('ix_certificates_kind_issued_on', ['kind', 'issued_on'], unique=False)


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index('ix_certificates_kind_issued_on')
