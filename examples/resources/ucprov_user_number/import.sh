# A user's number and extension are imported by the user's id.
terraform import ucprov_user_number.ada usr_0123456789abcdef
