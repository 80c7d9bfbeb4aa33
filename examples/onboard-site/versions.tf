terraform {
  required_version = ">= 1.5"
  required_providers {
    ucprov = {
      source = "ucprov/ucprov"
    }
  }
}

# Reads UCPROV_ENDPOINT, UCPROV_TOKEN and UCPROV_ENTERPRISE_ID from the environment.
provider "ucprov" {}
