"""Reading a written number: its lines and clutter, its digits, cuts between touching digits."""
