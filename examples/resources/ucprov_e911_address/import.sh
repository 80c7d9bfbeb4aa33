# An E911 address is imported by the user's id.
terraform import ucprov_e911_address.ada usr_0123456789abcdef
