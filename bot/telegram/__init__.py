"""Gemist on Telegram: the roster's chats, and (to come) the bot's conversations."""

from __future__ import annotations

from bot.telegram.chats import DatabaseChats

__all__ = ["DatabaseChats"]
