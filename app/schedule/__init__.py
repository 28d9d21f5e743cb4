"""The schedule grid: a day of every working vet, or one vet's week, in slots."""
