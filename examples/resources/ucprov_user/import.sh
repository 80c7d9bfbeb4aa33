# A user is imported by its id, or by its email (case-insensitive; looked up in the provider's
# enterprise, else in every enterprise the token can see).
terraform import ucprov_user.ada usr_0123456789abcdef
terraform import ucprov_user.ada ada@acme.example
