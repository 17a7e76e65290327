"""The channels as plug-ins: the registry that finds them and builds the school's router.

See :mod:`bot.outbox.plugin` for what a channel package declares, :mod:`bot.channels.registry`
for how they are found and built (``from bot.channels import registry``), and
:mod:`bot.channels.known` for their names. This package sits above the outbox and the
integrations: it is the one place that imports a channel's package.
"""
