variable "name_prefix" {
  description = "Prefix of the role, feature group (<name_prefix>-loans) and model package group (<name_prefix>-credit-risk) names."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,31}$", var.name_prefix))
    error_message = "name_prefix must be 3-32 characters of lower case letters, digits and hyphens, starting with a letter."
  }
}

variable "raw_bucket_arn" {
  description = "ARN of the raw bucket whose CSV files the processing job reads."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.raw_bucket_arn))
    error_message = "raw_bucket_arn must be an S3 bucket ARN (arn:<partition>:s3:::<bucket>)."
  }
}

variable "raw_prefix" {
  description = "Key prefix of the raw CSV files the jobs may read (for example incoming/)."
  type        = string
  default     = "incoming/"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.'()/-]*$", var.raw_prefix))
    error_message = "raw_prefix may only hold letters, digits and ! _ . ' ( ) / - (no wildcards)."
  }
}

variable "artifacts_bucket_name" {
  description = "Name of the artifacts bucket (job code, run outputs, models, offline feature store)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.artifacts_bucket_name))
    error_message = "artifacts_bucket_name must be a valid S3 bucket name."
  }
}

variable "artifacts_bucket_arn" {
  description = "ARN of the artifacts bucket."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.artifacts_bucket_arn))
    error_message = "artifacts_bucket_arn must be an S3 bucket ARN (arn:<partition>:s3:::<bucket>)."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer managed KMS key of the buckets and the feature store."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

variable "features" {
  description = "Feature definitions of the feature group (name => Integral | Fractional | String); docs/design/interfaces.md section 2. Must hold the record identifier id and the event time loan_date."
  type        = map(string)
  default = {
    id                        = "Integral"
    loan_id                   = "Integral"
    loan_date                 = "String"
    nb_previous_loans         = "Integral"
    avg_amount_loans_previous = "Fractional"
    age                       = "Integral"
    years_on_the_job          = "Integral"
    flag_own_car              = "Integral"
    status                    = "Integral"
  }

  validation {
    condition     = alltrue([for type in values(var.features) : contains(["Integral", "Fractional", "String"], type)])
    error_message = "Every feature type must be Integral, Fractional or String."
  }

  validation {
    condition     = try(var.features["id"], "") == "Integral" && try(var.features["loan_date"], "") == "String"
    error_message = "features must define the record identifier id (Integral) and the event time loan_date (String)."
  }
}

variable "offline_store_glue_table" {
  description = "Let the offline store create a Glue Data Catalog table (queryable with Athena); needs Glue permissions on the role."
  type        = bool
  default     = false
}

variable "sklearn_image_tag" {
  description = "Tag of the SageMaker scikit-learn image used for processing, training and inference (framework version-cpu-py3)."
  type        = string
  default     = "1.2-1-cpu-py3"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+-[0-9]+-cpu-py3[0-9]*$", var.sklearn_image_tag))
    error_message = "sklearn_image_tag must look like 1.2-1-cpu-py3."
  }
}

variable "image_uris" {
  description = "Image URIs that replace the region's scikit-learn image per job kind (an ECR URI: <account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest])."
  type = object({
    processing = optional(string)
    training   = optional(string)
    inference  = optional(string)
  })
  default = {}

  validation {
    condition = alltrue([
      for uri in values(var.image_uris) :
      uri == null || can(regex("^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[a-z0-9._/-]+([:@].+)?$", uri))
    ])
    error_message = "image_uris values must be ECR image URIs (<account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag])."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary attached to the execution role (null for none)."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN."
  }
}

variable "tags" {
  description = "Tags added to the role, feature group and model package group."
  type        = map(string)
  default     = {}
}
