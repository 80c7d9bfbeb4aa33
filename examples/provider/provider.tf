terraform {
  required_providers {
    ucprov = {
      source  = "ucprov/ucprov"
      version = "~> 0.2" # installed by `make install`, or from the release archives
    }
  }
}

variable "ucprov_token" {
  type      = string
  sensitive = true
}

provider "ucprov" {
  endpoint      = "https://uc.example.com" # or UCPROV_ENDPOINT
  token         = var.ucprov_token         # or UCPROV_TOKEN
  enterprise_id = "ent_acme"               # or UCPROV_ENTERPRISE_ID

  max_retries         = 8     # 429, 5xx and connection errors, with backoff and Retry-After
  request_timeout     = "30s" # per attempt
  requests_per_second = 10    # client-side limit; also slows down by itself on 429
}
