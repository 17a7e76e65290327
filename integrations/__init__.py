"""School platforms and outbound channels, one package each, behind the interfaces of ``abc``."""
