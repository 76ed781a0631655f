"""What the exchange and custodian simulators share: chaos windows and API views."""
