"""mail messages seen in watched mailboxes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=120), nullable=False),
        sa.Column("folder", sa.String(length=300), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("uid", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.String(length=500), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("moved", sa.Boolean(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account", "folder", "uidvalidity", "uid"),
    )
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_messages_message_id"), ["message_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mail_messages_content_hash"), ["content_hash"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_messages_content_hash"))
        batch_op.drop_index(batch_op.f("ix_mail_messages_message_id"))
    op.drop_table("mail_messages")
