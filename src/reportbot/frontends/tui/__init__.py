"""The Textual front end: the conversation beside the form it fills.

A thin shell over :class:`reportbot.dialogue.conversation.Conversation`: it
shows the messages the plain mode prints, sends what the filer types, and
draws the form from the conversation's evaluation. No rule, route or total
is worked out here.
"""
