"""`flask pettypes ...`: the kinds of animal the clinic treats."""

from app.models import PetType
from app.reference.commands import reference_group

pettypes_cli = reference_group("pettypes", PetType, "pet type")
