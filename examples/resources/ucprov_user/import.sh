# A user is imported by its id.
terraform import ucprov_user.ada usr_0123456789abcdef
