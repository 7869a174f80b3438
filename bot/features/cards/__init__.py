"""The card case (seed 003's power connector): members' cards, as text and as vCards."""
