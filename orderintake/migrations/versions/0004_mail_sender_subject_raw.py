"""mail messages: sender, subject, and the raw message of one set aside

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 15:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sender", sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column("subject", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("raw_path", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.drop_column("raw_path")
        batch_op.drop_column("subject")
        batch_op.drop_column("sender")
