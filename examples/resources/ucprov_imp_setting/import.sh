# An IM&P setting is imported by the user's id.
terraform import ucprov_imp_setting.ada usr_0123456789abcdef
